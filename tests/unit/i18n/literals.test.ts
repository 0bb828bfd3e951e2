/**
 * No words are written into the console's pages: every text a user sees comes from the
 * message catalogue (web/src/i18n). The TypeScript compiler walks each web/src/**\/*.tsx and
 * finds words in JSX text, in string literals shown as JSX children, and in string literals
 * given to user-facing props (aria-label, title, label, placeholder, …). Only non-words may
 * be written in place: punctuation, symbols (▾ · ✓ – …) and whitespace.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const webSrc = path.join(root, 'web/src');

/** Props whose value a user reads or hears. */
const userFacingProps = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'label',
  'placeholder',
  'description',
  'errorMessage',
  'alt',
  'hint',
  'heading',
  'confirmLabel',
  'cancelLabel',
]);

/** A word: any letter or digit, in any script. Everything else may stay in the code. */
const hasWords = (text: string) => /[\p{L}\p{N}]/u.test(text);

interface Literal {
  file: string;
  line: number;
  text: string;
}

/**
 * The texts written in an expression that end up on screen: string literals, the literal
 * parts of a template, and either side of `a ? 'x' : 'y'`, `a ?? 'x'`, `a || 'x'`, `a && 'x'`.
 * A call's arguments are not followed: a catalogue message's values are not words.
 */
function writtenTexts(expression: ts.Expression): ts.Node[] {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression))
    return [expression];
  if (ts.isTemplateExpression(expression))
    return [expression.head, ...expression.templateSpans.map((span) => span.literal)];
  if (ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression))
    return writtenTexts(expression.expression);
  if (ts.isConditionalExpression(expression))
    return [...writtenTexts(expression.whenTrue), ...writtenTexts(expression.whenFalse)];
  if (ts.isBinaryExpression(expression)) {
    const operator = expression.operatorToken.kind;
    if (
      operator === ts.SyntaxKind.QuestionQuestionToken ||
      operator === ts.SyntaxKind.BarBarToken ||
      operator === ts.SyntaxKind.AmpersandAmpersandToken ||
      operator === ts.SyntaxKind.PlusToken
    )
      return [...writtenTexts(expression.left), ...writtenTexts(expression.right)];
  }
  return [];
}

/** JSX text, a string literal or a template's literal part: each keeps its text in `text`. */
const textOf = (node: ts.Node) => (node as ts.JsxText | ts.LiteralLikeNode).text;

/** The words written in place in one .tsx source. */
function literalsIn(file: string, source: string): Literal[] {
  const sourceFile = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const found: Literal[] = [];
  const report = (node: ts.Node) => {
    const text = textOf(node).replace(/\s+/g, ' ').trim();
    if (!hasWords(text)) return;
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    found.push({ file, line: line + 1, text });
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node);
    // {'Saving…'} or {busy ? 'Saving…' : 'Save'} among the children
    else if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent))
      writtenTexts(node.expression).forEach(report);
    else if (ts.isJsxAttribute(node) && userFacingProps.has(node.name.getText(sourceFile))) {
      const value = node.initializer;
      if (value && ts.isStringLiteral(value)) report(value);
      else if (value && ts.isJsxExpression(value) && value.expression)
        writtenTexts(value.expression).forEach(report);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function tsxFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith('.tsx') ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

describe('words in the console’s pages', () => {
  const files = tsxFiles(webSrc);

  it('are found in JSX text, children and user-facing props (the scanner works)', () => {
    const sample = `
      export const A = ({ busy, name }) => (
        <div title="Tooltip words" className="not-a-word-prop">
          Some words
          <span aria-hidden="true">▾ · ✓ – …</span>
          {busy ? 'Saving…' : t.common.saveChanges}
          <TextField label={name ?? 'Nobody'} placeholder={\`Type \${name}\`} />
          <Button aria-label={t.common.frame.userMenu(initials(name), name)}>{'·'}</Button>
        </div>
      );`;
    expect(literalsIn('sample.tsx', sample).map(({ line, text }) => `${line}: ${text}`)).toEqual([
      '3: Tooltip words',
      '4: Some words',
      '6: Saving…',
      '7: Nobody',
      '7: Type',
    ]);
  });

  it('come from the message catalogue, in every file', () => {
    expect(files.length).toBeGreaterThan(20);
    const written = files.flatMap((file) =>
      literalsIn(file, readFileSync(path.join(root, file), 'utf8')),
    );
    expect(written.map(({ file, line, text }) => `${file}:${line}: ${text}`)).toEqual([]);
  });
});
