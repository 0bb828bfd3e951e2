/**
 * /forgotten-password, the guide's "Forgotten log in details": the user gives their email
 * and is sent a code. The API answers the same whether or not the email has an account, and
 * so does this page.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { unwrap } from '../api/client';
import { ErrorSummary } from '../components/forms';
import { t } from '../i18n';
import { useApi } from '../session/session';
import { AuthFrame } from './auth/AuthFrame';
import { EmailField } from './auth/EmailField';
import { apiProblems, checkEmail, emailPath, errorFor, type FormProblem } from './auth/problems';
import { SubmitButton } from './auth/SubmitButton';

export default function ForgottenPasswordPage() {
  const api = useApi();
  const search = useSearch();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState(() => new URLSearchParams(search).get('email') ?? '');
  const [problems, setProblems] = useState<FormProblem[]>([]);

  const send = useMutation({
    mutationFn: async (address: string) =>
      unwrap(await api.POST('/auth/forgotten-password', { body: { email: address } })),
    onSuccess: (_, address) =>
      navigate(`/reset-password?email=${encodeURIComponent(address)}&sent=1`),
    onError: (error) =>
      setProblems(apiProblems(error, { fields: emailPath, fallbackFieldId: 'email' })),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (send.isPending) return;
    const found = checkEmail(email);
    setProblems(found);
    if (found.length === 0) send.mutate(email.trim());
  };

  return (
    <AuthFrame
      title={t.auth.forgotten.title}
      after={
        <p>
          <Link href="/sign-in">{t.auth.backToSignIn}</Link>
        </p>
      }
    >
      <ErrorSummary problems={problems} />
      <p>{t.auth.forgotten.intro}</p>
      <form className="form" noValidate onSubmit={submit}>
        <EmailField value={email} onChange={setEmail} error={errorFor(problems, 'email')} />
        <div className="form-actions">
          <SubmitButton isPending={send.isPending}>{t.auth.forgotten.submit}</SubmitButton>
        </div>
      </form>
      <h2>{t.auth.forgotten.unknownEmailHeading}</h2>
      <p>{t.auth.forgotten.unknownEmail}</p>
    </AuthFrame>
  );
}
