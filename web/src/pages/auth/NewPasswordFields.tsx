/**
 * Choosing a new password: the rules are shown before the user types (from the one password
 * policy the API and Cognito also use), checked in the browser when the form is sent, and
 * the password is typed twice.
 */
import { passwordPolicy } from '../../../../functions/core/domain';
import { TextField } from '../../components/forms';
import { formatNumber, t } from '../../i18n';
import { besideField, errorFor, type FormProblem, joinWithAnd } from './problems';

export const newPasswordFieldId = 'new-password';
export const confirmPasswordFieldId = 'confirm-password';

/** The API's body field for the new password, wherever it is sent. */
export const newPasswordPath = {
  newPassword: { fieldId: newPasswordFieldId, subject: t.auth.newPassword.subject },
};

/**
 * The one password policy's rules, each with the test the API's passwordProblems makes
 * (functions/core/domain.ts), so the form lists them and says which are broken in the
 * catalogue's words.
 */
const policy = [
  {
    rule: 'minLength',
    applies: true,
    kept: (password: string) => password.length >= passwordPolicy.minLength,
  },
  {
    rule: 'lowercase',
    applies: passwordPolicy.requireLowercase,
    kept: (password: string) => /[a-z]/.test(password),
  },
  {
    rule: 'uppercase',
    applies: passwordPolicy.requireUppercase,
    kept: (password: string) => /[A-Z]/.test(password),
  },
  {
    rule: 'digit',
    applies: passwordPolicy.requireDigits,
    kept: (password: string) => /[0-9]/.test(password),
  },
  {
    rule: 'symbol',
    applies: passwordPolicy.requireSymbols,
    kept: (password: string) => /[^A-Za-z0-9]/.test(password),
  },
] as const;

type Rule = (typeof policy)[number]['rule'];
type RuleWords = typeof t.auth.newPassword.rules | typeof t.auth.newPassword.broken;

const say = (words: RuleWords, rule: Rule) => {
  const word = words[rule];
  return typeof word === 'function' ? word(formatNumber(passwordPolicy.minLength)) : word;
};

/** The rules, as the form lists them before the user types. */
const rules = () =>
  policy.filter(({ applies }) => applies).map(({ rule }) => say(t.auth.newPassword.rules, rule));

/** The rules `password` breaks, in words ("must contain a digit"). */
const brokenRules = (password: string) =>
  policy
    .filter(({ applies, kept }) => applies && !kept(password))
    .map(({ rule }) => say(t.auth.newPassword.broken, rule));

export function checkNewPassword(newPassword: string, confirmation: string): FormProblem[] {
  const words = t.auth.newPassword;
  if (newPassword === '') return [besideField(newPasswordFieldId, words.enterNew)];
  const broken = brokenRules(newPassword);
  if (broken.length > 0)
    return [
      besideField(newPasswordFieldId, t.auth.fieldProblems(words.subject, joinWithAnd(broken))),
    ];
  if (confirmation === '') return [besideField(confirmPasswordFieldId, words.enterAgain)];
  if (confirmation !== newPassword) return [besideField(confirmPasswordFieldId, words.noMatch)];
  return [];
}

export function NewPasswordFields(props: {
  newPassword: string;
  onNewPasswordChange(value: string): void;
  confirmation: string;
  onConfirmationChange(value: string): void;
  problems: FormProblem[];
}) {
  return (
    <>
      <TextField
        id={newPasswordFieldId}
        label={t.auth.newPassword.label}
        type="password"
        autoComplete="new-password"
        value={props.newPassword}
        onChange={props.onNewPasswordChange}
        error={errorFor(props.problems, newPasswordFieldId)}
        // The rules use the words of passwordProblems, so an error repeats a rule.
        hint={
          <>
            {t.auth.newPassword.rulesIntro}
            {/* biome-ignore lint/a11y/useSemanticElements: a field's description is phrasing content, where ul may not go */}
            <span role="list" className="password-rules">
              {rules().map((rule) => (
                // biome-ignore lint/a11y/useSemanticElements: as above, li may not go in a span
                <span role="listitem" key={rule}>
                  {rule}
                </span>
              ))}
            </span>
          </>
        }
      />
      <TextField
        id={confirmPasswordFieldId}
        label={t.auth.newPassword.confirmLabel}
        type="password"
        autoComplete="new-password"
        value={props.confirmation}
        onChange={props.onConfirmationChange}
        error={errorFor(props.problems, confirmPasswordFieldId)}
      />
    </>
  );
}
