/**
 * What every page has: its own document title and one h1, which takes focus when the page
 * changes so a screen reader announces where the user now is.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { t } from '../i18n';

export const siteName = t.common.siteName;

export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = t.common.documentTitle(title, siteName);
  }, [title]);
}

export function Page({
  title,
  heading = title,
  children,
  actions,
}: {
  title: string;
  heading?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  usePageTitle(title);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <div className="page-header">
        <h1 ref={headingRef} tabIndex={-1}>
          {heading}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}
