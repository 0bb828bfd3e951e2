/**
 * The guide's "change your name" and "change your email": `Name` and `Email`, saved with
 * `Save changes`. A new email needs the current password (asked for as soon as the email
 * differs), and takes effect only once the code emailed to it is entered: until then the
 * section says so and asks for the code.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import {
  ConfirmEmailChangeBodySchema,
  RequestEmailChangeBodySchema,
  UpdateMeBodySchema,
} from '../../api/schemas';
import { ErrorSummary, TextField } from '../../components/forms';
import { t } from '../../i18n';
import { meQueryKey, type User, useApi } from '../../session/session';
import { apiProblems, besideField, errorFor, type FormProblem } from '../auth/problems';
import { SubmitButton } from '../auth/SubmitButton';
import { type FeedbackProps, FormActions, problemsOf, SectionStatus } from './feedback';

const words = t.profile.details;
const pendingWords = t.profile.pendingEmail;

const fieldIds = {
  name: 'profile-name',
  email: 'profile-email',
  password: 'profile-email-password',
  code: 'email-code',
  resendPassword: 'resend-password',
};

/**
 * The address waiting for its code. The API does not say (GET /me shows the email in use), so
 * the console remembers it for the session: in the query cache, which sign-out empties.
 */
const pendingEmailKey = ['pending-email'] as const;
function usePendingEmail() {
  const queryClient = useQueryClient();
  const { data } = useQuery<string | null>({
    queryKey: pendingEmailKey,
    queryFn: () => null,
    initialData: null,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
  return [
    data,
    (pending: string | null) => queryClient.setQueryData(pendingEmailKey, pending),
  ] as const;
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The API's refusals of an email change, beside the fields they are about. */
const emailChangeProblems = (error: unknown) =>
  apiProblems(error, {
    fields: {
      name: { fieldId: fieldIds.name, subject: words.name },
      newEmail: { fieldId: fieldIds.email, subject: words.email, say: words.emailFormat },
      currentPassword: {
        fieldId: fieldIds.password,
        subject: words.currentPassword,
        say: words.enterCurrentPassword,
      },
    },
    fallbackFieldId: fieldIds.name,
    codeFields: { WRONG_CURRENT_PASSWORD: fieldIds.password, EMAIL_TAKEN: fieldIds.email },
  }).map((problem) =>
    isProblem(error, 'WRONG_CURRENT_PASSWORD')
      ? { ...problem, message: t.profile.password.wrongCurrentPassword }
      : problem,
  );

export function DetailsSection({ me, feedback, setFeedback }: { me: User } & FeedbackProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [pending, setPending] = usePendingEmail();
  const [name, setName] = useState(me.name);
  const [email, setEmail] = useState(me.email);
  const [password, setPassword] = useState('');
  const [isPending, setIsPending] = useState(false);
  const [codeJustSent, setCodeJustSent] = useState(false);
  const problems = problemsOf(feedback, 'details');
  const emailChanging = email.trim() !== '' && !sameEmail(email, me.email);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    // The browser checks with the API's own schemas first.
    const found: FormProblem[] = [];
    const nameCheck = UpdateMeBodySchema.safeParse({ name });
    if (name.trim() === '') found.push(besideField(fieldIds.name, words.enterName));
    else if (!nameCheck.success)
      found.push(
        besideField(fieldIds.name, words.nameInvalid(nameCheck.error.issues[0]?.message ?? '')),
      );
    let emailChange: { newEmail: string; currentPassword: string } | undefined;
    if (email.trim() === '') found.push(besideField(fieldIds.email, words.enterEmail));
    else if (emailChanging) {
      const emailCheck = RequestEmailChangeBodySchema.safeParse({
        newEmail: email,
        currentPassword: password,
      });
      if (emailCheck.success) emailChange = emailCheck.data;
      else
        for (const issue of emailCheck.error.issues)
          found.push(
            issue.path[0] === 'newEmail'
              ? besideField(fieldIds.email, words.emailFormat)
              : besideField(fieldIds.password, words.enterCurrentPassword),
          );
    }
    if (found.length > 0) {
      setFeedback({ form: 'details', problems: found });
      return;
    }
    const newName = nameCheck.data?.name;
    const nameChanging = newName !== undefined && newName !== me.name;
    if (!nameChanging && !emailChange) {
      setFeedback({ form: 'details', notice: words.nothingToSave });
      return;
    }

    setIsPending(true);
    setFeedback(null);
    let saved: User | undefined;
    try {
      if (nameChanging) {
        saved = unwrap(await api.PATCH('/me', { body: { name: newName } }));
        // The top bar's menu and the summary show the new name at once.
        queryClient.setQueryData(meQueryKey, saved);
        setName(saved.name);
      }
      if (emailChange) {
        const answer = unwrap(await api.POST('/me/email', { body: emailChange }));
        setPending(answer.pendingEmail);
        setCodeJustSent(true);
        setEmail(saved?.email ?? me.email);
        setPassword('');
        setFeedback({
          form: 'pending-email',
          notice: [saved ? words.nameSaved(saved.name) : '', pendingWords.sent(answer.pendingEmail)]
            .filter(Boolean)
            .join(' '),
        });
      } else if (saved) {
        setFeedback({ form: 'details', notice: words.nameSaved(saved.name) });
      }
    } catch (error) {
      // The name may have been saved before the email change was refused: say both.
      const refused = emailChangeProblems(error);
      setFeedback({
        form: 'details',
        problems: saved
          ? refused.map((problem, index) =>
              index === 0
                ? { ...problem, message: `${words.nameSavedEmailRefused} ${problem.message}` }
                : problem,
            )
          : refused,
      });
    } finally {
      setIsPending(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="details-heading">
      <h2 id="details-heading">{words.heading}</h2>
      <SectionStatus feedback={feedback} form="details" />
      <form className="form" onSubmit={submit} noValidate>
        <ErrorSummary problems={problems} />
        <p className="hint">{words.intro}</p>
        <TextField
          id={fieldIds.name}
          label={words.name}
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errorFor(problems, fieldIds.name)}
        />
        <TextField
          id={fieldIds.email}
          label={words.email}
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={errorFor(problems, fieldIds.email)}
        />
        {emailChanging ? (
          <TextField
            id={fieldIds.password}
            label={words.currentPassword}
            type="password"
            autoComplete="current-password"
            hint={words.currentPasswordHint}
            value={password}
            onChange={setPassword}
            error={errorFor(problems, fieldIds.password)}
          />
        ) : null}
        <FormActions>
          <SubmitButton isPending={isPending}>{words.save}</SubmitButton>
        </FormActions>
      </form>
      {pending ? (
        <PendingEmail
          me={me}
          pending={pending}
          focusCode={codeJustSent}
          onDone={() => {
            setPending(null);
            setCodeJustSent(false);
          }}
          onConfirmed={(user) => setEmail(user.email)}
          feedback={feedback}
          setFeedback={setFeedback}
        />
      ) : null}
    </section>
  );
}

/** A new email waiting for its code: enter it, ask for a new one, or keep the old email. */
function PendingEmail({
  me,
  pending,
  focusCode,
  onDone,
  onConfirmed,
  feedback,
  setFeedback,
}: {
  me: User;
  pending: string;
  focusCode: boolean;
  onDone(): void;
  onConfirmed(user: User): void;
} & FeedbackProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [isPending, setIsPending] = useState(false);
  const [resending, setResending] = useState(false);
  const [resendPassword, setResendPassword] = useState('');
  const problems = problemsOf(feedback, 'pending-email');
  const focused = useRef(false);

  // Just sent: the code is what the user needs next.
  useEffect(() => {
    if (focusCode && !focused.current) {
      focused.current = true;
      document.getElementById(fieldIds.code)?.focus();
    }
  }, [focusCode]);

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    if (code.trim() === '') {
      setFeedback({
        form: 'pending-email',
        problems: [besideField(fieldIds.code, pendingWords.enterCode)],
      });
      return;
    }
    const checked = ConfirmEmailChangeBodySchema.safeParse({ code });
    if (!checked.success) {
      setFeedback({
        form: 'pending-email',
        problems: [besideField(fieldIds.code, pendingWords.codeFormat)],
      });
      return;
    }
    setIsPending(true);
    setFeedback(null);
    try {
      const user = unwrap(await api.POST('/me/email/confirm', { body: checked.data }));
      queryClient.setQueryData(meQueryKey, user);
      onConfirmed(user);
      onDone();
      setFeedback({ form: 'details', notice: pendingWords.confirmed(user.email) });
    } catch (error) {
      setFeedback({
        form: 'pending-email',
        problems: isProblem(error, 'INVALID_CODE')
          ? [besideField(fieldIds.code, pendingWords.wrongCode)]
          : isProblem(error, 'RATE_LIMITED')
            ? [besideField(fieldIds.code, pendingWords.tooManyCodes)]
            : emailChangeProblems(error).map((problem) => ({
                ...problem,
                fieldId: fieldIds.code,
              })),
      });
    } finally {
      setIsPending(false);
    }
  };

  const resend = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    const checked = RequestEmailChangeBodySchema.safeParse({
      newEmail: pending,
      currentPassword: resendPassword,
    });
    if (!checked.success) {
      setFeedback({
        form: 'pending-email',
        problems: [besideField(fieldIds.resendPassword, words.enterCurrentPassword)],
      });
      return;
    }
    setIsPending(true);
    setFeedback(null);
    try {
      const answer = unwrap(await api.POST('/me/email', { body: checked.data }));
      setResending(false);
      setResendPassword('');
      setCode('');
      setFeedback({ form: 'pending-email', notice: pendingWords.resent(answer.pendingEmail) });
      document.getElementById(fieldIds.code)?.focus();
    } catch (error) {
      setFeedback({
        form: 'pending-email',
        problems: emailChangeProblems(error).map((problem) => ({
          ...problem,
          fieldId: fieldIds.resendPassword,
        })),
      });
    } finally {
      setIsPending(false);
    }
  };

  return (
    <section className="pending-email" aria-labelledby="pending-email-heading">
      <h3 id="pending-email-heading">{pendingWords.heading}</h3>
      <SectionStatus feedback={feedback} form="pending-email" />
      <p>{pendingWords.waiting(pending, me.email)}</p>
      <form className="form" onSubmit={confirm} noValidate>
        <ErrorSummary problems={problems} />
        <TextField
          id={fieldIds.code}
          label={pendingWords.code}
          hint={pendingWords.codeHint}
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={setCode}
          error={errorFor(problems, fieldIds.code)}
        />
        <FormActions>
          <SubmitButton isPending={isPending && !resending}>{pendingWords.confirm}</SubmitButton>
        </FormActions>
      </form>

      <h4 className="pending-email-subheading">{pendingWords.resendHeading}</h4>
      <p>{pendingWords.resendIntro}</p>
      {resending ? (
        <form className="form" onSubmit={resend} noValidate>
          <TextField
            id={fieldIds.resendPassword}
            label={pendingWords.resendPassword}
            hint={pendingWords.resendPasswordHint}
            type="password"
            autoComplete="current-password"
            value={resendPassword}
            onChange={setResendPassword}
            error={errorFor(problems, fieldIds.resendPassword)}
          />
          <FormActions>
            <SubmitButton isPending={isPending}>{pendingWords.resend}</SubmitButton>
          </FormActions>
        </form>
      ) : (
        <FormActions>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setResending(true);
              // The password is asked for first: it is the next thing to fill in.
              setTimeout(() => document.getElementById(fieldIds.resendPassword)?.focus());
            }}
          >
            {pendingWords.resend}
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              onDone();
              setFeedback({ form: 'details', notice: pendingWords.cancelled(me.email) });
              document.getElementById(fieldIds.email)?.focus();
            }}
          >
            {pendingWords.cancel}
          </button>
        </FormActions>
      )}
    </section>
  );
}
