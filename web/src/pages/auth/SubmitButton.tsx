/**
 * A form's one action. While the request is on its way it stays focusable and keeps its
 * name, so a keyboard user's place is not lost; the form ignores a second submit meanwhile.
 * (React Aria's `isPending` announces through a live region that points at the button by id,
 * and keeps pointing there for 7 s after these pages have moved on and the button is gone.)
 */
export function SubmitButton({ children, isPending }: { children: string; isPending: boolean }) {
  return (
    <button
      type="submit"
      className="button"
      aria-disabled={isPending || undefined}
      data-pending={isPending || undefined}
    >
      {isPending ? <span className="spinner button-spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
