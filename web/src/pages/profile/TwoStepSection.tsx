/**
 * Two-step sign-in on the profile: a user turns an authenticator app on (a new setup key,
 * then a code of it) or off (with their current password). Support staff cannot turn it off.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ErrorSummary, TextField } from '../../components/forms';
import { t } from '../../i18n';
import { useApi } from '../../session/session';
import {
  AuthenticatorSecret,
  CodeField,
  checkCode,
  codeFieldId,
  codeOf,
  codePath,
} from '../auth/AuthenticatorFields';
import { apiProblems, besideField, errorFor } from '../auth/problems';
import { SubmitButton } from '../auth/SubmitButton';
import { type FeedbackProps, FormActions, problemsOf, SectionStatus } from './feedback';

const words = t.profile.twoStep;
const mfaQueryKey = ['me', 'mfa'];
const passwordFieldId = 'two-step-current-password';
const toggleId = 'two-step-toggle';

export function TwoStepSection({ feedback, setFeedback }: FeedbackProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: mfaQueryKey,
    queryFn: async () => unwrap(await api.GET('/me/mfa')),
  });
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [turningOff, setTurningOff] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [isPending, setIsPending] = useState(false);
  const problems = problemsOf(feedback, 'two-step');

  const reset = () => {
    setSetup(null);
    setTurningOff(false);
    setCode('');
    setPassword('');
  };
  const done = async (notice: string) => {
    reset();
    await queryClient.invalidateQueries({ queryKey: mfaQueryKey });
    setFeedback({ form: 'two-step', notice });
    document.getElementById(toggleId)?.focus();
  };
  const failed = (error: unknown, fieldId: string) =>
    setFeedback({
      form: 'two-step',
      problems: isProblem(error, 'WRONG_CURRENT_PASSWORD')
        ? [besideField(passwordFieldId, words.wrongCurrentPassword)]
        : isProblem(error, 'INVALID_CODE')
          ? [besideField(codeFieldId, t.auth.authenticator.wrongCode)]
          : apiProblems(error, { fields: codePath, fallbackFieldId: fieldId }),
    });

  const start = async () => {
    setFeedback(null);
    setIsPending(true);
    try {
      setSetup(unwrap(await api.POST('/me/mfa/setup')));
    } catch (error) {
      failed(error, toggleId);
    } finally {
      setIsPending(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    const found = checkCode(code);
    if (found.length > 0) return setFeedback({ form: 'two-step', problems: found });
    setIsPending(true);
    try {
      unwrap(await api.POST('/me/mfa', { body: { code: codeOf(code) } }));
      await done(words.turnedOn);
    } catch (error) {
      failed(error, codeFieldId);
    } finally {
      setIsPending(false);
    }
  };

  const turnOff = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    if (password === '')
      return setFeedback({
        form: 'two-step',
        problems: [besideField(passwordFieldId, words.enterCurrentPassword)],
      });
    setIsPending(true);
    try {
      unwrap(await api.POST('/me/mfa/disable', { body: { currentPassword: password } }));
      await done(words.turnedOff);
    } catch (error) {
      failed(error, passwordFieldId);
    } finally {
      setIsPending(false);
    }
  };

  const enabled = status.data?.enabled ?? false;
  const required = status.data?.required ?? false;
  return (
    <section className="panel" aria-labelledby="two-step-heading">
      <h2 id="two-step-heading">{words.heading}</h2>
      <SectionStatus feedback={feedback} form="two-step" />
      {status.data ? (
        <p className="hint">{required ? words.required : enabled ? words.on : words.off}</p>
      ) : null}
      {status.data && !required && !setup && !turningOff ? (
        <FormActions>
          <button
            type="button"
            id={toggleId}
            className="button secondary"
            disabled={isPending}
            onClick={() => (enabled ? setTurningOff(true) : void start())}
          >
            {enabled ? words.turnOff : words.turnOn}
          </button>
        </FormActions>
      ) : null}
      {setup ? (
        <form className="form" onSubmit={confirm} noValidate>
          <ErrorSummary problems={problems} />
          <p>{words.setupIntro}</p>
          <AuthenticatorSecret secret={setup.secret} otpauthUri={setup.otpauthUri} />
          <CodeField value={code} onChange={setCode} error={errorFor(problems, codeFieldId)} />
          <FormActions>
            <SubmitButton isPending={isPending}>{words.confirm}</SubmitButton>
            <button type="button" className="button secondary" onClick={reset}>
              {words.cancel}
            </button>
          </FormActions>
        </form>
      ) : null}
      {turningOff ? (
        <form className="form" onSubmit={turnOff} noValidate>
          <ErrorSummary problems={problems} />
          <TextField
            id={passwordFieldId}
            label={words.currentPassword}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            error={errorFor(problems, passwordFieldId)}
          />
          <FormActions>
            <SubmitButton isPending={isPending}>{words.turnOff}</SubmitButton>
            <button type="button" className="button secondary" onClick={reset}>
              {words.cancel}
            </button>
          </FormActions>
        </form>
      ) : null}
    </section>
  );
}
