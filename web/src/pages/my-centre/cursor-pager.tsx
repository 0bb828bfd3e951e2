/**
 * Paging by the API's opaque cursors: the API only knows "the page after this cursor", so
 * going back means remembering the cursors already used (a stack). Shared by the audit log
 * and the customer-services list of centres.
 */
import { useState } from 'react';
import { formatNumber, t } from '../../i18n';

export function useCursorPages() {
  // The first page has no cursor.
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: stack[stack.length - 1],
    pageNumber: stack.length,
    /** How many items came before this page, for "1 to 50". */
    offset: (pageSize: number) => (stack.length - 1) * pageSize,
    next: (cursor: string) => setStack((previous) => [...previous, cursor]),
    previous: () =>
      setStack((previous) => (previous.length > 1 ? previous.slice(0, -1) : previous)),
    reset: () => setStack([undefined]),
  };
}

export interface PagerProps {
  /** What is paged, for the navigation landmark's name ("Audit log pages"). */
  label: string;
  pageNumber: number;
  nextCursor: string | null | undefined;
  onNext(cursor: string): void;
  onPrevious(): void;
  isBusy?: boolean;
}

export function Pager({ label, pageNumber, nextCursor, onNext, onPrevious, isBusy }: PagerProps) {
  if (pageNumber === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <span className="pager-position">{t.common.pager.page(formatNumber(pageNumber))}</span>
      <button
        type="button"
        className="button secondary small"
        onClick={onPrevious}
        disabled={pageNumber === 1 || isBusy}
      >
        {t.common.pager.previousPage}
      </button>
      <button
        type="button"
        className="button secondary small"
        onClick={() => nextCursor && onNext(nextCursor)}
        disabled={!nextCursor || isBusy}
      >
        {t.common.pager.nextPage}
      </button>
    </nav>
  );
}
