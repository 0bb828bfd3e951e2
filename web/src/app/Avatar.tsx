/**
 * A person's picture, or their initials when they have none. Pictures are private: they are
 * fetched through the API client with the signed-in user's token (never from a public URL),
 * kept in TanStack Query's cache as bytes, and shown from an object URL that is revoked
 * when it is no longer shown (the CSP's img-src allows blob: for this).
 */
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { type Api, unwrap } from '../api/client';
import { t } from '../i18n';
import { useApi } from '../session/session';

export function initials(name: string | undefined): string {
  if (!name) return '·';
  const parts = name.trim().split(/\s+/);
  return (
    (parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')
  ).toUpperCase();
}

/** The signed-in user's own picture. */
export const myPicturePath = '/me/picture';
/** A user's picture as their centre's coordinators (and support) see it. */
export const userPicturePath = (centreId: string, userId: string) =>
  `/centres/${encodeURIComponent(centreId)}/users/${encodeURIComponent(userId)}/picture`;

export const pictureQueryKey = (picturePath: string) => ['picture', picturePath] as const;

const userPicturePattern = /^\/centres\/([^/]+)\/users\/([^/]+)\/picture$/;

/** The picture's bytes, or null when the person has none (404). */
async function fetchPicture(api: Api, picturePath: string): Promise<Blob | null> {
  const user = userPicturePattern.exec(picturePath);
  const result =
    picturePath === myPicturePath
      ? await api.GET('/me/picture', { parseAs: 'blob' })
      : user
        ? await api.GET('/centres/{centreId}/users/{userId}/picture', {
            params: {
              path: {
                centreId: decodeURIComponent(user[1] ?? ''),
                userId: decodeURIComponent(user[2] ?? ''),
              },
            },
            parseAs: 'blob',
          })
        : null;
  if (!result) throw new Error(`Not a picture path: ${picturePath}`);
  if (result.response.status === 404) return null;
  return unwrap(result) as Blob;
}

/** A picture from the API, cached by its path; `undefined` while it loads or if it failed. */
export function usePicture(picturePath: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: pictureQueryKey(picturePath ?? ''),
    queryFn: () => fetchPicture(api, picturePath ?? ''),
    enabled: picturePath !== undefined,
    // Pictures change rarely, and the user's own changes update the cache at once.
    staleTime: 5 * 60_000,
  });
}

/**
 * After the signed-in user set (`picture`) or removed (`null`) their picture: the top bar and
 * their profile show it at once, and any other copy of it (their own user page in My Centre)
 * is fetched again.
 */
export async function myPictureChanged(queryClient: QueryClient, picture: Blob | null) {
  queryClient.setQueryData(pictureQueryKey(myPicturePath), picture);
  await queryClient.invalidateQueries({
    predicate: (query) => query.queryKey[0] === 'picture' && query.queryKey[1] !== myPicturePath,
  });
}

/** An object URL for `blob` while it is shown; revoked when the blob changes or goes. */
export function useObjectUrl(blob: Blob | null | undefined): string | undefined {
  const [held, setHeld] = useState<{ blob: Blob; url: string } | null>(null);
  useEffect(() => {
    if (!blob) {
      setHeld(null);
      return;
    }
    const url = URL.createObjectURL(blob);
    setHeld({ blob, url });
    return () => URL.revokeObjectURL(url);
  }, [blob]);
  // Never a URL of an earlier blob (already revoked) for the render before the effect runs.
  return held && held.blob === blob ? held.url : undefined;
}

/**
 * `picturePath` is the API path of the picture (`/me/picture`, or `userPicturePath(...)` in My
 * Centre); without one, while it loads, or when there is none, the initials show. With
 * `label`, the picture is content (its alternative text); without, it is decoration beside
 * words that already name the person (the user menu's button).
 */
export function Avatar({
  name,
  picturePath,
  size = 'small',
  label,
}: {
  name: string | undefined;
  picturePath?: string;
  size?: 'small' | 'large';
  label?: string;
}) {
  const picture = usePicture(picturePath);
  const url = useObjectUrl(picture.data);
  const [broken, setBroken] = useState<string | null>(null);
  const shown = url !== undefined && broken !== url;
  const className = size === 'large' ? 'avatar avatar-large' : 'avatar';

  if (shown && label)
    return (
      <span className={className}>
        <img src={url} alt={label} onError={() => setBroken(url)} />
      </span>
    );
  return (
    <span className={className} aria-hidden="true">
      {shown ? <img src={url} alt="" onError={() => setBroken(url)} /> : initials(name)}
    </span>
  );
}

/** The alternative text of a person's picture, for `label`. */
export const pictureOf = (name: string) => t.profile.avatar.pictureOf(name);
