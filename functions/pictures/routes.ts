/**
 * Profile pictures, in their own Lambda: the S3 client is the heaviest part of any bundle,
 * so only these four routes carry it.
 */
import type { Db } from '../core/data/db.js';
import { publicUser } from '../core/data/user.js';
import { notFound, ProblemError } from '../core/errors.js';
import { type AreaImplementations, areaRoutes } from '../core/http.js';
import { inspectImage, type PictureStore } from '../core/images.js';
import type { Clock } from '../core/ports.js';
import { picturesEntries } from '../core/route-table/pictures.js';
import { changeUser, userOfCentre } from '../core/services/change-user.js';

export interface PicturesDeps {
  db: Db;
  pictures: PictureStore;
  clock: Clock;
}

const picturesImplementations = (deps: PicturesDeps): AreaImplementations<'pictures'> => {
  const { db, pictures } = deps;
  const read = async (user: { userId: string; pictureType?: string }) => {
    const picture = user.pictureType ? await pictures.get(user.userId) : undefined;
    if (!picture) throw notFound('No picture');
    return {
      status: 200,
      binary: { bytes: picture.bytes, contentType: picture.contentType },
    } as const;
  };

  return {
    putPicture: async ({ caller, raw }) => {
      const image = inspectImage(raw.bytes, raw.contentType);
      if (!image.ok) throw new ProblemError('INVALID_IMAGE', image.reason);
      await pictures.put(caller.userId, raw.bytes, image.type);
      const { after } = await changeUser(deps, {
        centreId: caller.centreId,
        userId: caller.userId,
        current: caller,
        actorId: caller.userId,
        action: 'user.picture_changed',
        change: (user) => ({
          next: { ...user, pictureType: image.type },
          details: { after: { picture: `${image.type} ${image.width}x${image.height}` } },
        }),
      });
      return { status: 200, body: publicUser(after) };
    },

    getPicture: async ({ caller }) => read(caller),

    deletePicture: async ({ caller }) => {
      if (!caller.pictureType) return { status: 204 };
      await changeUser(deps, {
        centreId: caller.centreId,
        userId: caller.userId,
        current: caller,
        actorId: caller.userId,
        action: 'user.picture_removed',
        change: (user) => ({
          next: { ...user, pictureType: undefined },
          details: { before: { picture: user.pictureType } },
        }),
      });
      await pictures.delete(caller.userId);
      return { status: 204 };
    },

    getUserPicture: async ({ params }) =>
      read(await userOfCentre(db, params.centreId, params.userId)),
  };
};

/** The pictures area's routes: its implementations and the entries they answer. */
export const picturesRoutes = areaRoutes(picturesEntries, picturesImplementations);
