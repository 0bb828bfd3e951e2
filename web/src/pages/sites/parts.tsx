/** Pieces every page of a support site uses: the tabs, the pager, notices, the pencil. */
import { type ReactNode, useEffect, useRef } from 'react';
import { Link, useRoute } from 'wouter';
import { Page } from '../../app/page';
import { t } from '../../i18n';
import { Pager, type PagerProps } from '../my-centre/cursor-pager';
import { learnersPath, type ProgressionSite, siteName, teachersPath } from './site';

function Tab({ href, children }: { href: string; children: ReactNode }) {
  const [active] = useRoute(`${href}/*?`);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The site's tabs, `Teachers` and `Learners`, as the guide names them. */
export function SiteTabs({ centreId, site }: { centreId: string; site: ProgressionSite }) {
  return (
    <nav aria-label={t.sites.tabsLabel(siteName(site))} className="tabs">
      <Tab href={teachersPath(centreId, site)}>{t.sites.teachersTab}</Tab>
      <Tab href={learnersPath(centreId, site)}>{t.sites.learnersTab}</Tab>
    </nav>
  );
}

/** Paging by the API's opaque cursors, as everywhere else in the console. */
export { useCursorPages as useCursors } from '../my-centre/cursor-pager';

/** The shared pager, named for what it pages ("Learners pages"). */
export function SitePager({ what, ...pager }: { what: string } & Omit<PagerProps, 'label'>) {
  return <Pager label={t.sites.pagerLabel(what)} {...pager} />;
}

/**
 * A success notice that takes focus when it appears (keyed by its words, so each new one
 * does): the button that led to it may be gone by then.
 */
export function FocusedNotice({ children }: { children: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} className="notice success" role="status" tabIndex={-1}>
      {children}
    </div>
  );
}

/** A pencil, drawn inline (no image request); its meaning is in the control's name. */
export function PencilIcon() {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      focusable="false"
    >
      <path
        fill="currentColor"
        d="M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zm17.71-10.21a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z"
      />
    </svg>
  );
}

export function BinIcon() {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      focusable="false"
    >
      <path
        fill="currentColor"
        d="M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z"
      />
    </svg>
  );
}

/** An email may wrap before its @ in a narrow column, never in the middle of a word. */
export function BreakableEmail({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return email;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

/** A page that says, in words, why this cannot be opened. */
export function Refusal({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Page title={title}>
      <div className="state state-empty site-refusal">
        {children}
        <p>
          <Link href="/">{t.common.goToStart}</Link>
        </p>
      </div>
    </Page>
  );
}

/** A native select in the form pattern: visible label, hint, and the error beside it. */
export function SelectField({
  id,
  label,
  value,
  onChange,
  options,
  placeholder,
  hint,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  options: readonly (readonly [string, string])[];
  /** The empty first option ("Choose a stage"), when nothing is chosen yet. */
  placeholder?: string;
  hint?: string;
  error?: string | undefined;
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
