/**
 * The frame of the pages a person sees before signing in: the service's name above one
 * centred card, so the page carries nothing but the task at hand.
 */
import type { ReactNode } from 'react';
import { Page, siteName } from '../../app/page';
import { t } from '../../i18n';

export function AuthFrame({
  title,
  children,
  after,
}: {
  title: string;
  children: ReactNode;
  /** Links under the card, such as the way back to sign in. */
  after?: ReactNode;
}) {
  return (
    <div className="auth-layout">
      <header className="auth-header">
        <span className="auth-header-name">{siteName}</span>
        <span className="auth-header-owner">{t.auth.owner}</span>
      </header>
      <main id="main" className="auth-main">
        <div className="auth-card">
          <Page title={title}>{children}</Page>
        </div>
        {after ? <div className="auth-after">{after}</div> : null}
      </main>
    </div>
  );
}

/** A notice above a form: what happened before this page (a sign-out, a code sent). */
export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'success';
  children: ReactNode;
}) {
  return <div className={tone === 'success' ? 'notice success' : 'notice'}>{children}</div>;
}
