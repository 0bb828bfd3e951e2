/**
 * Which AWS SDK commands a Lambda's code can send, found in its source with the TypeScript
 * checker: from the entry file, follow every reference (imports resolved to the declaration
 * they name) to the functions, methods and values it reaches, and collect each
 * `new XxxCommand(` of an `@aws-sdk/client-*` package met on the way.
 *
 * Two things make this finer than "the modules the bundle includes" (esbuild's metafile):
 * - A port (Identity, Mailer, PictureStore, Workflows) is an object whose methods each send
 *   one command, and an adapter builds the whole object (functions/core/adapters). A method of
 *   an adapter's object counts only where the code calls that port method (`identity.signIn`),
 *   so the support function, which never calls `identity.setPassword`, is not said to send
 *   AdminSetUserPassword although its bundle holds the adapter.
 * - A DynamoDB transaction is authorised through its items' actions: a `Put`, `Update`,
 *   `Delete` or `ConditionCheck` member naming a `TableName` (a TransactWriteItem, typed so
 *   or not) counts as PutItem/UpdateItem/DeleteItem/ConditionCheckItem.
 * It over-approximates otherwise: every function reached is walked whole, including branches
 * that may never run, which is the side a least-privilege check can afford.
 */
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../infra/hub-function.js';

/** The IAM service prefix of each SDK client package the code uses. */
const servicePrefixes: Record<string, string> = {
  'client-dynamodb': 'dynamodb',
  'client-cognito-identity-provider': 'cognito-idp',
  'client-s3': 's3',
  'client-ses': 'ses',
  'client-sfn': 'states',
};

/** The IAM action a transaction item's kind needs (TransactWriteItems has no action of its own). */
const transactionItemActions: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Where the ports' implementations over AWS clients live. */
const adaptersFolder = path.join(projectRoot, 'functions', 'core', 'adapters') + path.sep;

export interface SentCommand {
  /** e.g. `cognito-idp:AdminCreateUser`, or `dynamodb:PutItem` for a transaction's Put item. */
  action: string;
  /** e.g. `AdminCreateUserCommand`, or `TransactWriteItems Put`. */
  command: string;
  /** Where it is built, relative to the repository root. */
  at: string;
}

const isProjectFile = (file: ts.SourceFile) =>
  !file.isDeclarationFile && !file.fileName.includes(`${path.sep}node_modules${path.sep}`);

/** The SDK client package (`client-s3`) a declaration comes from, if any. */
function sdkPackageOf(declaration: ts.Declaration): string | undefined {
  const match = declaration
    .getSourceFile()
    .fileName.match(/[/\\]node_modules[/\\]@aws-sdk[/\\](client-[a-z0-9-]+)[/\\]/);
  return match?.[1];
}

/** `const f = () => …` (or `function () …`) declared inside a function, not at module level. */
function isLocalFunctionConstant(node: ts.Node): boolean {
  if (!ts.isVariableDeclaration(node) || !node.initializer) return false;
  if (!ts.isArrowFunction(node.initializer) && !ts.isFunctionExpression(node.initializer))
    return false;
  const statement = node.parent?.parent;
  return !!statement && ts.isVariableStatement(statement) && !ts.isSourceFile(statement.parent);
}

/** Analyses many entries with one TypeScript program (creating it is most of the cost). */
export function sdkCommandAnalyser(entries: readonly string[]) {
  const rootNames = entries.map((entry) => path.join(projectRoot, entry));
  const config = ts.readConfigFile(path.join(projectRoot, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, projectRoot);
  const program = ts.createProgram({ rootNames, options: { ...options, noEmit: true } });
  const checker = program.getTypeChecker();

  const declarationsOf = (node: ts.Node): readonly ts.Declaration[] => {
    let symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return [];
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol.declarations ?? [];
  };

  // Each adapter object's method, by the port interface member it implements.
  const implementations = new Map<ts.Declaration, ts.Node[]>();
  const implementing = new Set<ts.Node>();
  for (const file of program.getSourceFiles()) {
    if (!isProjectFile(file) || !file.fileName.startsWith(adaptersFolder)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const contextual = checker.getContextualType(node);
        for (const member of node.properties) {
          const name = member.name && ts.isIdentifier(member.name) ? member.name.text : undefined;
          // Only the project's own ports: an SDK command's input (`{ AuthParameters: … }`) is
          // an object literal with a contextual type too, and its values run where written.
          const implemented = name
            ? contextual
                ?.getProperty(name)
                ?.declarations?.filter((declaration) => isProjectFile(declaration.getSourceFile()))
            : undefined;
          if (!implemented?.length) continue;
          implementing.add(member);
          for (const declaration of implemented)
            implementations.set(declaration, [...(implementations.get(declaration) ?? []), member]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }

  const relative = (node: ts.Node) => {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    return `${path.relative(projectRoot, file.fileName)}:${line + 1}`;
  };

  /** The commands the code reached from this entry file can send. */
  return function commandsOf(entry: string): SentCommand[] {
    const file = program.getSourceFile(path.join(projectRoot, entry));
    if (!file) throw new Error(`${entry} is not in the program`);
    const sent: SentCommand[] = [];
    const seen = new Set<ts.Node>();
    const queue: ts.Node[] = [file];
    const reach = (node: ts.Node) => {
      if (!seen.has(node)) {
        seen.add(node);
        queue.push(node);
      }
    };

    const walk = (node: ts.Node): void => {
      // Types, imports and re-exports run nothing.
      if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node))
        return;
      if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
      // An adapter's port method runs only where that port method is called.
      if (implementing.has(node) && !seen.has(node)) return;
      // A function kept in a local constant (a helper inside an adapter's factory) runs only
      // where it is referenced: the reference reaches it. Module-level ones (a Lambda's
      // exported handler) are walked with their file.
      if (isLocalFunctionConstant(node) && !seen.has(node)) return;

      if (ts.isNewExpression(node)) {
        for (const declaration of declarationsOf(node.expression)) {
          const sdkPackage = sdkPackageOf(declaration);
          const name = node.expression.getText();
          const prefix = sdkPackage ? servicePrefixes[sdkPackage] : undefined;
          if (!sdkPackage || !name.endsWith('Command')) continue;
          if (!prefix) throw new Error(`No IAM prefix known for @aws-sdk/${sdkPackage}`);
          sent.push({
            action: `${prefix}:${name.slice(0, -'Command'.length)}`,
            command: name,
            at: relative(node),
          });
        }
      }
      // A transaction item: `{ Put: { TableName, … } }` (typed TransactWriteItem or not; a
      // command's own input names the table at its top level, never under these keys).
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text in transactionItemActions &&
        ts.isObjectLiteralExpression(node.initializer) &&
        node.initializer.properties.some((property) => property.name?.getText() === 'TableName')
      )
        sent.push({
          action: transactionItemActions[node.name.text] as string,
          command: `TransactWriteItems ${node.name.text}`,
          at: relative(node),
        });
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        for (const declaration of declarationsOf(node)) {
          if (!isProjectFile(declaration.getSourceFile())) continue;
          const implementedBy = implementations.get(declaration);
          if (implementedBy) for (const member of implementedBy) reach(member);
          else reach(declaration);
        }
      }
      ts.forEachChild(node, walk);
    };

    while (queue.length > 0) {
      const node = queue.shift() as ts.Node;
      if (ts.isSourceFile(node)) ts.forEachChild(node, walk);
      else if (ts.isVariableDeclaration(node) || ts.isParameter(node)) {
        if (node.initializer) walk(node.initializer);
      } else if (implementing.has(node)) {
        // Walk the method's body, not the member itself (which would stop at the guard).
        ts.forEachChild(node, walk);
      } else walk(node);
    }
    return sent;
  };
}
