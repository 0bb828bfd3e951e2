/**
 * /sign-in (emails link here, with ?email=). Email and password; on a first sign-in, with
 * the invitation's temporary password, the same page asks the user to choose their own
 * password. Signed in, the user goes to the page they were sent from (?next=) or their home.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Redirect, useSearch } from 'wouter';
import { unwrap } from '../api/client';
import { homePath, safeNextPath } from '../app/guards';
import { ErrorSummary, TextField } from '../components/forms';
import { ErrorState } from '../components/states';
import { t } from '../i18n';
import { meQueryKey, useSession } from '../session/session';
import { type EndReason, tokenStore } from '../session/tokens';
import { AuthenticatorCodeStep, AuthenticatorSetupStep } from './auth/AuthenticatorSteps';
import { AuthFrame, Notice } from './auth/AuthFrame';
import { EmailField } from './auth/EmailField';
import { NewPasswordStep, type SignInChallenge } from './auth/NewPasswordStep';
import {
  apiProblems,
  checkEmail,
  emailPath,
  errorFor,
  type FormProblem,
  required,
} from './auth/problems';
import { SubmitButton } from './auth/SubmitButton';

/** Why the user is at the sign-in page, when it was not their own choice to come. */
const endNotices: Readonly<Record<EndReason, string>> = t.auth.signIn.ended;

export default function SignInPage() {
  const { signedIn, me, meError } = useSession();
  const queryClient = useQueryClient();
  const search = useSearch();
  const [step, setStep] = useState<(SignInChallenge & { email: string }) | null>(null);
  const [expired, setExpired] = useState<'password' | 'code' | 'setup' | null>(null);

  if (signedIn && me) return <Redirect to={safeNextPath(search) ?? homePath(me)} replace />;
  if (signedIn && meError)
    return (
      <AuthFrame title={t.auth.signIn.title}>
        <ErrorState
          error={meError}
          retry={() => void queryClient.refetchQueries({ queryKey: meQueryKey })}
        />
      </AuthFrame>
    );
  const expire = (why: 'password' | 'code' | 'setup') => () => {
    setStep(null);
    setExpired(why);
  };
  if (step?.challenge === 'NEW_PASSWORD_REQUIRED')
    return (
      <NewPasswordStep
        challenge={step}
        onExpired={expire('password')}
        onChallenge={(next) => setStep({ ...next, email: step.email })}
      />
    );
  if (step?.challenge === 'SOFTWARE_TOKEN_MFA')
    return <AuthenticatorCodeStep challenge={step} onExpired={expire('code')} />;
  if (step?.challenge === 'MFA_SETUP')
    return <AuthenticatorSetupStep challenge={step} onExpired={expire('setup')} />;
  return <PasswordStep onChallenge={setStep} expired={expired} />;
}

const expiredNotices = {
  password: t.auth.signIn.challengeExpired,
  code: t.auth.authenticator.codeExpired,
  setup: t.auth.authenticator.setupExpired,
};

function PasswordStep({
  onChallenge,
  expired,
}: {
  onChallenge(challenge: SignInChallenge & { email: string }): void;
  expired: 'password' | 'code' | 'setup' | null;
}) {
  const { api, signIn, signedIn } = useSession();
  const search = useSearch();
  const [email, setEmail] = useState(() => new URLSearchParams(search).get('email') ?? '');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  // Read once: the reason is forgotten at the next sign-in, but the notice stays on screen.
  const [endReason] = useState(() => tokenStore.endReason());
  const passwordReset = new URLSearchParams(search).get('reset') === '1';

  const login = useMutation({
    mutationFn: async (body: { email: string; password: string }) =>
      unwrap(await api.POST('/auth/login', { body })),
    onSuccess: (result, body) => {
      if ('challenge' in result) onChallenge({ ...result, email: body.email });
      // The sign-in page moves on to the user's home once GET /me has answered.
      else signIn(result);
    },
    // A wrong email and a wrong password are one refusal, shown in the summary only: saying
    // which field is wrong would tell a stranger that the email has an account.
    onError: (error) =>
      setProblems(apiProblems(error, { fields: emailPath, fallbackFieldId: 'email' })),
  });
  const busy = login.isPending || signedIn;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = [
      ...checkEmail(email),
      ...required([[password, 'password', t.auth.signIn.enterYourPassword]]),
    ];
    setProblems(found);
    if (found.length === 0) login.mutate({ email: email.trim(), password });
  };

  const forgottenHref = `/forgotten-password${
    email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ''
  }`;

  return (
    <AuthFrame title={t.auth.signIn.title}>
      <ErrorSummary problems={problems} />
      {expired ? (
        <Notice>{expiredNotices[expired]}</Notice>
      ) : passwordReset ? (
        <Notice tone="success">{t.auth.signIn.passwordReset}</Notice>
      ) : endReason ? (
        <Notice>{endNotices[endReason]}</Notice>
      ) : null}
      <form className="form" noValidate onSubmit={submit}>
        <EmailField value={email} onChange={setEmail} error={errorFor(problems, 'email')} />
        <TextField
          id="password"
          label={t.auth.signIn.password}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errorFor(problems, 'password')}
        />
        <div className="form-actions">
          <SubmitButton isPending={busy}>{t.auth.signIn.submit}</SubmitButton>
          <Link href={forgottenHref}>{t.auth.signIn.forgottenPassword}</Link>
        </div>
      </form>
    </AuthFrame>
  );
}
