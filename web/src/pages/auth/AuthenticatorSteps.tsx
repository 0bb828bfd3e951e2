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

type Tokens = Parameters<ReturnType<typeof useSession>['signIn']>[0];

/** A refusal the step does not handle itself: shown beside the code field or in the summary. */
const otherProblems = (error: unknown) =>
  apiProblems(error, { fields: codePath, fallbackFieldId: codeFieldId });

/**
 * The code field of both steps: checked before it is sent, sent once at a time, and signed in
 * with the tokens it answers. `refused` says what a refusal means: the problems to show, or
 * nothing when the step has sent the person back to sign in again.
 */
function useCodeAnswer(
  send: (code: string) => Promise<Tokens>,
  refused: (error: unknown) => FormProblem[] | undefined,
) {
  const { signIn, signedIn, meError } = useSession();
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const answer = useMutation({
    mutationFn: send,
    onSuccess: (tokens) => signIn(tokens),
    onError: (error) => {
      const shown = refused(error);
      if (shown) setProblems(shown);
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
  return { code, setCode, problems, busy, submit };
}

/** The password was right; the app's code finishes the sign-in. One try per session. */
export function AuthenticatorCodeStep({
  challenge,
  onExpired,
}: {
  challenge: CodeChallenge;
  onExpired(): void;
}) {
  const { api } = useSession();
  const { code, setCode, problems, busy, submit } = useCodeAnswer(
    async (typed) =>
      unwrap(
        await api.POST('/auth/mfa-code', {
          body: { email: challenge.email, session: challenge.session, code: typed },
        }),
      ),
    // The session is used up by a wrong code: back to the password, with a notice.
    (error) => {
      if (!isProblem(error, 'INVALID_CODE') && !isProblem(error, 'INVALID_CREDENTIALS'))
        return otherProblems(error);
      onExpired();
      return undefined;
    },
  );
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
  const { api } = useSession();
  const [tries, setTries] = useState(0);
  const { code, setCode, problems, busy, submit } = useCodeAnswer(
    async (typed) =>
      unwrap(
        await api.POST('/auth/mfa-setup', {
          body: { email: challenge.email, session: challenge.session, code: typed },
        }),
      ),
    (error) => {
      setTries((count) => count + 1);
      // A wrong code may be typed again while the session lasts (five minutes).
      if (
        isProblem(error, 'INVALID_CREDENTIALS') ||
        (isProblem(error, 'INVALID_CODE') && tries >= 4)
      ) {
        onExpired();
        return undefined;
      }
      if (isProblem(error, 'INVALID_CODE')) return [besideField(codeFieldId, words.wrongCode)];
      return otherProblems(error);
    },
  );
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
