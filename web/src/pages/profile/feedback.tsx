/**
 * What the profile page says back: one form at a time owns the page's feedback (its notice,
 * or its problems in an error summary), so there is never more than one error summary on the
 * page and an old message never lingers beside a new one.
 */
import type { ReactNode } from 'react';
import type { FormProblem } from '../auth/problems';

export type FormName = 'details' | 'pending-email' | 'picture' | 'password' | 'two-step';

export interface Feedback {
  form: FormName;
  notice?: string;
  problems?: FormProblem[];
}

export interface FeedbackProps {
  feedback: Feedback | null;
  setFeedback(feedback: Feedback | null): void;
}

export const problemsOf = (feedback: Feedback | null, form: FormName): FormProblem[] =>
  feedback?.form === form ? (feedback.problems ?? []) : [];

/** A section's live region: always in the page, so what appears in it is announced. */
export function SectionStatus({ feedback, form }: { feedback: Feedback | null; form: FormName }) {
  const notice = feedback?.form === form ? feedback.notice : undefined;
  return (
    <div role="status" className="profile-status">
      {notice ? <p className="notice success">{notice}</p> : null}
    </div>
  );
}

/** The actions under a form. */
export function FormActions({ children }: { children: ReactNode }) {
  return <div className="form-actions">{children}</div>;
}
