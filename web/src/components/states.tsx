/**
 * Loading, empty and error states, designed once so no page is ever left blank: each says
 * what is happening in words, and errors are announced.
 */
import type { ReactNode } from 'react';
import { problemWords } from '../api/problem';
import { t } from '../i18n';

export function LoadingState({ label = t.common.loading }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{problemWords(error)}</p>
      {retry ? (
        <button type="button" className="button secondary" onClick={retry}>
          {t.common.tryAgain}
        </button>
      ) : null}
    </div>
  );
}
