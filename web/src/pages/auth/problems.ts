/**
 * A refused form's problems, in the GOV.UK pattern: every problem is listed in the error
 * summary, and a problem that belongs to one field is also shown beside it. A problem that
 * must not point at one field (a wrong email *or* password) stays in the summary only.
 */
import { ApiProblem, problemWords } from '../../api/problem';
import type { FieldProblem } from '../../components/forms';
import { formatList, t } from '../../i18n';

export interface FormProblem extends FieldProblem {
  besideField: boolean;
}

export const besideField = (fieldId: string, message: string): FormProblem => ({
  fieldId,
  message,
  besideField: true,
});

/** The message to show beside a field, if any. */
export const errorFor = (problems: FormProblem[], fieldId: string) =>
  problems.find((problem) => problem.besideField && problem.fieldId === fieldId)?.message;

/** "a, b and c", in the catalogue's locale. */
export const joinWithAnd = (parts: string[]) => formatList(parts);

export interface FieldOfPath {
  /** The input's id. */
  fieldId: string;
  /** What the API's message is about, e.g. "The new password" ("must contain a digit"). */
  subject: string;
  /** Our own words for any refusal of this field, instead of the API's. */
  say?: string;
}

/**
 * An API refusal as form problems. The API's field errors (VALIDATION_FAILED, WEAK_PASSWORD)
 * go beside the fields they name, one sentence per field; any other code is said in plain
 * words, beside the field `codeFields` names for it, or in the summary only, linked to
 * `fallbackFieldId`.
 */
export function apiProblems(
  error: unknown,
  options: {
    fields: Record<string, FieldOfPath>;
    fallbackFieldId: string;
    codeFields?: Record<string, string>;
  },
): FormProblem[] {
  if (error instanceof ApiProblem && error.errors.length > 0) {
    const byField = new Map<FieldOfPath, string[]>();
    for (const { path, message } of error.errors) {
      const field = options.fields[path];
      if (field) byField.set(field, [...(byField.get(field) ?? []), message]);
    }
    if (byField.size > 0)
      return [...byField].map(([field, messages]) =>
        besideField(
          field.fieldId,
          field.say ?? t.auth.fieldProblems(field.subject, joinWithAnd(messages)),
        ),
      );
  }
  const code = error instanceof ApiProblem ? error.code : 'UNKNOWN';
  const fieldId = options.codeFields?.[code];
  return [
    {
      fieldId: fieldId ?? options.fallbackFieldId,
      message: problemWords(error),
      besideField: fieldId !== undefined,
    },
  ];
}

/** Each field left empty, said the GOV.UK way ("Enter your email address"). */
export const required = (checks: [value: string, fieldId: string, message: string][]) =>
  checks
    .filter(([value]) => value.trim() === '')
    .map(([, fieldId, message]) => besideField(fieldId, message));

export const emailFormatMessage = t.auth.emailFormat;

/** The API checks an email fully; this catches what a person mistypes most. */
export const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());

export const emailPath = {
  email: { fieldId: 'email', subject: t.auth.emailSubject, say: emailFormatMessage },
};

export function checkEmail(email: string): FormProblem[] {
  if (email.trim() === '') return [besideField('email', t.auth.enterYourEmail)];
  if (!looksLikeEmail(email)) return [besideField('email', emailFormatMessage)];
  return [];
}
