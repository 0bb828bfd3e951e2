import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PictureStore } from '../images.js';

const errorName = (error: unknown) => (error as { name?: string } | undefined)?.name ?? '';

/**
 * One object per user, replaced on every upload, so a user never has stale pictures
 * lying around. Bytes are checked by inspectImage before they get here.
 */
export function s3PictureStore(
  client: S3Client,
  settings: { pictureBucket: string },
): PictureStore {
  const location = (userId: string) => ({
    Bucket: settings.pictureBucket,
    Key: `pictures/${userId}`,
  });
  return {
    async put(userId, bytes, contentType) {
      await client.send(
        new PutObjectCommand({
          ...location(userId),
          Body: bytes,
          ContentType: contentType,
          // The bucket encrypts by default too; asking per object keeps the local
          // emulator's objects shaped like production's.
          ServerSideEncryption: 'AES256',
          // Pictures are personal data and change in place under one key: no shared
          // caches, and browsers revalidate so a new picture shows at once.
          CacheControl: 'private, max-age=0',
        }),
      );
    },

    async get(userId) {
      try {
        const object = await client.send(new GetObjectCommand(location(userId)));
        if (!object.Body) return undefined;
        return {
          bytes: await object.Body.transformToByteArray(),
          contentType: object.ContentType ?? 'application/octet-stream',
        };
      } catch (error) {
        // NoSuchKey from S3 and s3rver; NotFound when the answer has no body to name it.
        if (errorName(error) === 'NoSuchKey' || errorName(error) === 'NotFound') return undefined;
        throw error;
      }
    },

    async delete(userId) {
      // S3 answers 204 whether or not the object existed, so deleting twice is fine.
      await client.send(new DeleteObjectCommand(location(userId)));
    },
  };
}
