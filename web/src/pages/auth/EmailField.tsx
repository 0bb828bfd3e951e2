import { TextField } from '../../components/forms';
import { t } from '../../i18n';

/** The email a person signs in with: one field, the same on every sign-in page. */
export function EmailField(props: {
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}) {
  return (
    <TextField
      id="email"
      label={t.auth.email}
      type="email"
      autoComplete="username"
      value={props.value}
      onChange={props.onChange}
      error={props.error}
    />
  );
}
