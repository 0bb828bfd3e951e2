/**
 * The guide's "To change your password, click 'Reset password', enter your current password
 * and your new password in the fields that appear and select 'Save new password'." The
 * password rules are those of the first sign-in. Afterwards every other session of the user
 * is signed out by the API; this one goes on.
 */
import { type FormEvent, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { ChangePasswordBodySchema } from '../../api/schemas';
import { ErrorSummary, TextField } from '../../components/forms';
import { t } from '../../i18n';
import { useApi } from '../../session/session';
import {
  checkNewPassword,
  NewPasswordFields,
  newPasswordFieldId,
  newPasswordPath,
} from '../auth/NewPasswordFields';
import { apiProblems, besideField, errorFor, type FormProblem } from '../auth/problems';
import { SubmitButton } from '../auth/SubmitButton';
import { type FeedbackProps, FormActions, problemsOf, SectionStatus } from './feedback';

const words = t.profile.password;
const currentFieldId = 'current-password';
const formId = 'password-form';
const toggleId = 'reset-password';

export function PasswordSection({ feedback, setFeedback }: FeedbackProps) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [isPending, setIsPending] = useState(false);
  const problems = problemsOf(feedback, 'password');

  const close = () => {
    setOpen(false);
    setCurrent('');
    setNewPassword('');
    setConfirmation('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    const found: FormProblem[] = [];
    if (current === '') found.push(besideField(currentFieldId, words.enterCurrentPassword));
    found.push(...checkNewPassword(newPassword, confirmation));
    const body = ChangePasswordBodySchema.safeParse({ currentPassword: current, newPassword });
    if (found.length > 0 || !body.success) {
      setFeedback({ form: 'password', problems: found });
      return;
    }
    setIsPending(true);
    setFeedback(null);
    try {
      unwrap(await api.POST('/me/password', { body: body.data }));
      close();
      setFeedback({ form: 'password', notice: words.changed });
      document.getElementById(toggleId)?.focus();
    } catch (error) {
      setFeedback({
        form: 'password',
        problems: isProblem(error, 'WRONG_CURRENT_PASSWORD')
          ? [besideField(currentFieldId, words.wrongCurrentPassword)]
          : apiProblems(error, {
              fields: {
                ...newPasswordPath,
                currentPassword: {
                  fieldId: currentFieldId,
                  subject: words.currentPassword,
                  say: words.enterCurrentPassword,
                },
              },
              fallbackFieldId: newPasswordFieldId,
              codeFields: { WEAK_PASSWORD: newPasswordFieldId },
            }),
      });
    } finally {
      setIsPending(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="password-heading">
      <h2 id="password-heading">{words.heading}</h2>
      <SectionStatus feedback={feedback} form="password" />
      <p className="hint">{words.intro}</p>
      <FormActions>
        <button
          type="button"
          id={toggleId}
          className="button secondary"
          aria-expanded={open}
          aria-controls={open ? formId : undefined}
          onClick={() => {
            if (open) close();
            else {
              setOpen(true);
              if (feedback?.form === 'password') setFeedback(null);
            }
          }}
        >
          {words.reset}
        </button>
      </FormActions>
      {open ? (
        <form id={formId} className="form password-form" onSubmit={submit} noValidate>
          <ErrorSummary problems={problems} />
          <TextField
            id={currentFieldId}
            label={words.currentPassword}
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            error={errorFor(problems, currentFieldId)}
          />
          <NewPasswordFields
            newPassword={newPassword}
            onNewPasswordChange={setNewPassword}
            confirmation={confirmation}
            onConfirmationChange={setConfirmation}
            problems={problems}
          />
          <FormActions>
            <SubmitButton isPending={isPending}>{words.save}</SubmitButton>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                close();
                if (feedback?.form === 'password') setFeedback(null);
                document.getElementById(toggleId)?.focus();
              }}
            >
              {words.cancel}
            </button>
          </FormActions>
        </form>
      ) : null}
    </section>
  );
}
