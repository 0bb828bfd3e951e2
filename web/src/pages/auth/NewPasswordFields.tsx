/**
 * Choosing a new password: the rules are shown before the user types (from the one password
 * policy the API and Cognito also use), checked in the browser when the form is sent, and
 * the password is typed twice.
 */
import { passwordPolicy, passwordProblems } from '../../../../functions/core/domain';
import { TextField } from '../../components/forms';
import { besideField, errorFor, type FormProblem, joinWithAnd } from './problems';

export const newPasswordFieldId = 'new-password';
export const confirmPasswordFieldId = 'confirm-password';

/** The API's body field for the new password, wherever it is sent. */
export const newPasswordPath = {
  newPassword: { fieldId: newPasswordFieldId, subject: 'The new password' },
};

function rules(): string[] {
  const list = [`at least ${passwordPolicy.minLength} characters`];
  if (passwordPolicy.requireLowercase) list.push('a lowercase letter');
  if (passwordPolicy.requireUppercase) list.push('an uppercase letter');
  if (passwordPolicy.requireDigits) list.push('a digit (0 to 9)');
  if (passwordPolicy.requireSymbols) list.push('a symbol, such as ! or %');
  return list;
}

export function checkNewPassword(newPassword: string, confirmation: string): FormProblem[] {
  if (newPassword === '') return [besideField(newPasswordFieldId, 'Enter a new password')];
  const broken = passwordProblems(newPassword);
  if (broken.length > 0)
    return [besideField(newPasswordFieldId, `The new password ${joinWithAnd(broken)}.`)];
  if (confirmation === '')
    return [besideField(confirmPasswordFieldId, 'Enter your new password again')];
  if (confirmation !== newPassword)
    return [
      besideField(
        confirmPasswordFieldId,
        'The passwords do not match. Type the same password twice.',
      ),
    ];
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
        label="New password"
        type="password"
        autoComplete="new-password"
        value={props.newPassword}
        onChange={props.onNewPasswordChange}
        error={errorFor(props.problems, newPasswordFieldId)}
        // The rules use the words of passwordProblems, so an error repeats a rule.
        hint={
          <>
            Your password must have:
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
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        value={props.confirmation}
        onChange={props.onConfirmationChange}
        error={errorFor(props.problems, confirmPasswordFieldId)}
      />
    </>
  );
}
