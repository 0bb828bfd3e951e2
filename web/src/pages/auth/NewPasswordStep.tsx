/**
 * The second step of a first sign-in: the temporary password from the invitation worked, and
 * the user now chooses their own. The API's challenge session lasts 5 minutes and is used
 * once; when it has gone, the user signs in again with the temporary password.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ErrorSummary } from '../../components/forms';
import { t } from '../../i18n';
import { rich } from '../../i18n/rich';
import { useSession } from '../../session/session';
import { AuthFrame } from './AuthFrame';
import {
  checkNewPassword,
  NewPasswordFields,
  newPasswordFieldId,
  newPasswordPath,
} from './NewPasswordFields';
import { apiProblems, type FormProblem } from './problems';
import { SubmitButton } from './SubmitButton';

export interface Challenge {
  email: string;
  session: string;
}

/** What the API may answer a password with instead of tokens. */
export type SignInChallenge =
  | { challenge: 'NEW_PASSWORD_REQUIRED'; session: string }
  | { challenge: 'SOFTWARE_TOKEN_MFA'; session: string }
  | { challenge: 'MFA_SETUP'; session: string; secret: string; otpauthUri: string };

export function NewPasswordStep({
  challenge,
  onExpired,
  onChallenge,
}: {
  challenge: Challenge;
  onExpired(): void;
  /** The new password was taken, and an authenticator step comes next. */
  onChallenge(next: SignInChallenge): void;
}) {
  const { api, signIn, signedIn, meError } = useSession();
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);

  const choose = useMutation({
    mutationFn: async (password: string) =>
      unwrap(
        await api.POST('/auth/new-password', {
          body: { email: challenge.email, session: challenge.session, newPassword: password },
        }),
      ),
    // The sign-in page moves on to the user's home once GET /me has answered.
    onSuccess: (result) => {
      if ('challenge' in result) onChallenge(result);
      else signIn(result);
    },
    onError: (error) => {
      if (isProblem(error, 'INVALID_CREDENTIALS')) onExpired();
      else
        setProblems(
          apiProblems(error, { fields: newPasswordPath, fallbackFieldId: newPasswordFieldId }),
        );
    },
  });
  const busy = choose.isPending || (signedIn && !meError);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = checkNewPassword(newPassword, confirmation);
    setProblems(found);
    if (found.length === 0) choose.mutate(newPassword);
  };

  return (
    <AuthFrame title={t.auth.firstPassword.title}>
      <ErrorSummary problems={problems} />
      <p>{rich(t.auth.firstPassword.intro, { email: <strong>{challenge.email}</strong> })}</p>
      <form className="form" noValidate onSubmit={submit}>
        {/* Lets a password manager save the new password under the right account. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={challenge.email}
          readOnly
          hidden
        />
        <NewPasswordFields
          newPassword={newPassword}
          onNewPasswordChange={setNewPassword}
          confirmation={confirmation}
          onConfirmationChange={setConfirmation}
          problems={problems}
        />
        <div>
          <SubmitButton isPending={busy}>{t.auth.firstPassword.submit}</SubmitButton>
        </div>
      </form>
    </AuthFrame>
  );
}
