/**
 * What setting up an authenticator app shows (at a first sign-in, and on the profile page):
 * the setup key as text, for anyone who types it or hears it read out, and an otpauth://
 * link that opens the app on this device. And the 6-digit code field the app's code goes in.
 */
import { TextField } from '../../components/forms';
import { t } from '../../i18n';
import { besideField, type FormProblem } from './problems';

const words = t.auth.authenticator;

export const codeFieldId = 'security-code';
export const codePath = { code: { fieldId: codeFieldId, subject: words.codeSubject } };

/** The key in groups of four, as authenticator apps show and accept it. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function AuthenticatorSecret({
  secret,
  otpauthUri,
}: {
  secret: string;
  otpauthUri: string;
}) {
  return (
    <div className="authenticator-secret">
      <p className="field-label">{words.secretLabel}</p>
      <p className="hint">{words.secretHint}</p>
      <p>
        <code className="setup-key">{grouped(secret)}</code>
      </p>
      <p>
        <a href={otpauthUri}>{words.openInApp}</a>
      </p>
    </div>
  );
}

export function CodeField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange(value: string): void;
  error?: string;
}) {
  return (
    <TextField
      id={codeFieldId}
      label={words.code}
      hint={words.codeHint}
      inputMode="numeric"
      autoComplete="one-time-code"
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}

/** The code as typed, spaces taken out; a problem if it cannot be one. */
export function checkCode(code: string): FormProblem[] {
  const digits = code.replace(/\s+/g, '');
  if (digits === '') return [besideField(codeFieldId, words.enterCode)];
  if (!/^[0-9]{6}$/.test(digits)) return [besideField(codeFieldId, words.codeDigits)];
  return [];
}

export const codeOf = (typed: string) => typed.replace(/\s+/g, '');
