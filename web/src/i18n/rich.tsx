/**
 * A message with elements inside it (a link, a bold email): the catalogue keeps the whole
 * sentence, with `{name}` where each element goes, so a translation can move them.
 *
 *   rich(t.auth.firstPassword.intro, { email: <strong>{email}</strong> })
 */
import { Fragment, type ReactNode } from 'react';

export function rich(message: string, parts: Record<string, ReactNode>): ReactNode {
  // split with a capturing group: text at even indexes, part names at odd ones.
  const pieces = message.split(/\{(\w+)\}/);
  return pieces.map((piece, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one message never reorder
    <Fragment key={index}>{index % 2 === 1 ? (parts[piece] ?? `{${piece}}`) : piece}</Fragment>
  ));
}
