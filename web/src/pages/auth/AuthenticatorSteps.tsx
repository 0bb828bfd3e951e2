/**
 * The sign-in steps after a right password, for someone who uses an authenticator app: the
 * code prompt (SOFTWARE_TOKEN_MFA), and, for support staff without an app yet, setting one
 * up (MFA_SETUP). No token is handed out before the code is checked.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ErrorSummary } from '../../components/forms';
import { t } from '../../i18n';
import { rich } from '../../i18n/rich';
import { useSession } from '../../session/session';
import {
  AuthenticatorSecret,
  CodeField,
  checkCode,
  codeFieldId,
  codeOf,
  codePath,
} from './AuthenticatorFields';
import { AuthFrame } from './AuthFrame';
import { apiProblems, besideField, errorFor, type FormProblem } from './problems';
import { SubmitButton } from './SubmitButton';

const words = t.auth.authenticator;

export interface CodeChallenge {
  email: string;
  session: string;
}

export interface SetupChallenge extends CodeChallenge {
  secret: string;
  otpauthUri: string;
}

/** The password was right; the app's code finishes the sign-in. One try per session. */
export function AuthenticatorCodeStep({
  challenge,
  onExpired,
}: {
  challenge: CodeChallenge;
  onExpired(): void;
}) {
  const { api, signIn, signedIn, meError } = useSession();
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const answer = useMutation({
    mutationFn: async (typed: string) =>
      unwrap(
        await api.POST('/auth/mfa-code', {
          body: { email: challenge.email, session: challenge.session, code: typed },
        }),
      ),
    onSuccess: (tokens) => signIn(tokens),
    // The session is used up by a wrong code: back to the password, with a notice.
    onError: (error) => {
      if (isProblem(error, 'INVALID_CODE') || isProblem(error, 'INVALID_CREDENTIALS')) onExpired();
      else setProblems(apiProblems(error, { fields: codePath, fallbackFieldId: codeFieldId }));
    },
  });
  const busy = answer.isPending || (signedIn && !meError);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = checkCode(code);
    setProblems(found);
    if (found.length === 0) answer.mutate(codeOf(code));
  };
  return (
    <AuthFrame title={words.codeTitle}>
      <ErrorSummary problems={problems} />
      <p>{rich(words.codeIntro, { email: <strong>{challenge.email}</strong> })}</p>
      <form className="form" noValidate onSubmit={submit}>
        <CodeField value={code} onChange={setCode} error={errorFor(problems, codeFieldId)} />
        <div>
          <SubmitButton isPending={busy}>{words.codeSubmit}</SubmitButton>
        </div>
      </form>
    </AuthFrame>
  );
}

/** Support staff's first sign-in with no app: the key, then a code of it. */
export function AuthenticatorSetupStep({
  challenge,
  onExpired,
}: {
  challenge: SetupChallenge;
  onExpired(): void;
}) {
  const { api, signIn, signedIn, meError } = useSession();
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [tries, setTries] = useState(0);
  const answer = useMutation({
    mutationFn: async (typed: string) =>
      unwrap(
        await api.POST('/auth/mfa-setup', {
          body: { email: challenge.email, session: challenge.session, code: typed },
        }),
      ),
    onSuccess: (tokens) => signIn(tokens),
    onError: (error) => {
      setTries((count) => count + 1);
      // A wrong code may be typed again while the session lasts (five minutes).
      if (
        isProblem(error, 'INVALID_CREDENTIALS') ||
        (isProblem(error, 'INVALID_CODE') && tries >= 4)
      )
        onExpired();
      else if (isProblem(error, 'INVALID_CODE'))
        setProblems([besideField(codeFieldId, words.wrongCode)]);
      else setProblems(apiProblems(error, { fields: codePath, fallbackFieldId: codeFieldId }));
    },
  });
  const busy = answer.isPending || (signedIn && !meError);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = checkCode(code);
    setProblems(found);
    if (found.length === 0) answer.mutate(codeOf(code));
  };
  return (
    <AuthFrame title={words.setupTitle}>
      <ErrorSummary problems={problems} />
      <p>{words.setupIntro}</p>
      <ol>
        <li>{words.setupStepApp}</li>
        <li>{words.setupStepKey}</li>
        <li>{words.setupStepCode}</li>
      </ol>
      <AuthenticatorSecret secret={challenge.secret} otpauthUri={challenge.otpauthUri} />
      <form className="form" noValidate onSubmit={submit}>
        <CodeField value={code} onChange={setCode} error={errorFor(problems, codeFieldId)} />
        <div>
          <SubmitButton isPending={busy}>{words.setupSubmit}</SubmitButton>
        </div>
      </form>
    </AuthFrame>
  );
}
