/**
 * /reset-password (the code email links here, with ?email=): the emailed verification code
 * and a new password. Done, the user signs in with it; every older session was ended.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { unwrap } from '../api/client';
import { ErrorSummary, TextField } from '../components/forms';
import { t } from '../i18n';
import { rich } from '../i18n/rich';
import { useApi } from '../session/session';
import { AuthFrame, Notice } from './auth/AuthFrame';
import { EmailField } from './auth/EmailField';
import { checkNewPassword, NewPasswordFields, newPasswordPath } from './auth/NewPasswordFields';
import {
  apiProblems,
  besideField,
  checkEmail,
  emailPath,
  errorFor,
  type FormProblem,
} from './auth/problems';
import { SubmitButton } from './auth/SubmitButton';

const words = t.auth.reset;
const codeMessage = words.codeDigits;

function checkCode(code: string): FormProblem[] {
  if (code.trim() === '') return [besideField('code', words.enterCode)];
  if (!/^[0-9]{4,10}$/.test(code.trim())) return [besideField('code', codeMessage)];
  return [];
}

export default function ResetPasswordPage() {
  const api = useApi();
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const codeSent = params.get('sent') === '1';
  const [email, setEmail] = useState(() => params.get('email') ?? '');
  const [code, setCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);

  const reset = useMutation({
    mutationFn: async (body: { email: string; code: string; newPassword: string }) =>
      unwrap(await api.POST('/auth/reset-password', { body })),
    onSuccess: (_, body) => navigate(`/sign-in?email=${encodeURIComponent(body.email)}&reset=1`),
    onError: (error) =>
      setProblems(
        apiProblems(error, {
          fields: {
            ...emailPath,
            code: { fieldId: 'code', subject: words.codeSubject, say: codeMessage },
            ...newPasswordPath,
          },
          fallbackFieldId: 'code',
          // Wrong codes are what is counted and limited.
          codeFields: { INVALID_CODE: 'code', RATE_LIMITED: 'code' },
        }),
      ),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reset.isPending) return;
    const found = [
      ...checkEmail(email),
      ...checkCode(code),
      ...checkNewPassword(newPassword, confirmation),
    ];
    setProblems(found);
    if (found.length === 0) reset.mutate({ email: email.trim(), code: code.trim(), newPassword });
  };

  const newCodeHref = `/forgotten-password${
    email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ''
  }`;

  return (
    <AuthFrame
      title={words.title}
      after={
        <p>
          <Link href="/sign-in">{t.auth.backToSignIn}</Link>
        </p>
      }
    >
      <ErrorSummary problems={problems} />
      {codeSent ? (
        <Notice>
          {rich(words.codeSent, {
            signIn: <Link href="/sign-in">{words.codeSentSignIn}</Link>,
          })}
        </Notice>
      ) : null}
      <form className="form" noValidate onSubmit={submit}>
        <EmailField value={email} onChange={setEmail} error={errorFor(problems, 'email')} />
        <TextField
          id="code"
          label={words.code}
          hint={words.codeHint}
          autoComplete="one-time-code"
          inputMode="numeric"
          value={code}
          onChange={setCode}
          error={errorFor(problems, 'code')}
        />
        <NewPasswordFields
          newPassword={newPassword}
          onNewPasswordChange={setNewPassword}
          confirmation={confirmation}
          onConfirmationChange={setConfirmation}
          problems={problems}
        />
        <div className="form-actions">
          <SubmitButton isPending={reset.isPending}>{words.submit}</SubmitButton>
          <Link href={newCodeHref}>{words.newCode}</Link>
        </div>
      </form>
    </AuthFrame>
  );
}
