import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3PictureStore } from '../../functions/core/adapters/s3.js';
import { png } from '../support/images.js';

const s3 = mockClient(S3Client);
const store = () =>
  s3PictureStore(new S3Client({ region: 'eu-west-2' }), { pictureBucket: 'hub-pictures' });

/** The part of the SDK's stream mixin the store uses. */
const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;

beforeEach(() => {
  s3.reset();
});

describe('s3PictureStore', () => {
  it('put stores the bytes under pictures/<userId>, typed, encrypted and not cached', async () => {
    s3.on(PutObjectCommand).resolves({});
    const bytes = png();
    await store().put('user-1', bytes, 'image/png');
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Bucket: 'hub-pictures',
      Key: 'pictures/user-1',
      Body: bytes,
      ContentType: 'image/png',
      ServerSideEncryption: 'AES256',
      CacheControl: 'private, max-age=0',
    });
  });

  it('get returns the bytes and their type', async () => {
    const bytes = png();
    s3.on(GetObjectCommand, { Bucket: 'hub-pictures', Key: 'pictures/user-1' }).resolves({
      Body: body(bytes),
      ContentType: 'image/png',
    });
    expect(await store().get('user-1')).toEqual({ bytes, contentType: 'image/png' });
  });

  it('get answers undefined when there is no picture (NoSuchKey)', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    expect(await store().get('user-1')).toBeUndefined();
  });

  it('get answers undefined on a bare 404 (NotFound)', async () => {
    s3.on(GetObjectCommand).rejects(new NotFound({ message: 'not found', $metadata: {} }));
    expect(await store().get('user-1')).toBeUndefined();
  });

  it('get passes on any other error', async () => {
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: {},
      message: 'Access Denied',
    });
    s3.on(GetObjectCommand).rejects(denied);
    await expect(store().get('user-1')).rejects.toBe(denied);
  });

  it('delete removes pictures/<userId>', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await store().delete('user-1');
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'hub-pictures',
      Key: 'pictures/user-1',
    });
  });

  it('delete of a user without a picture succeeds', async () => {
    // S3 answers 204 for a missing key; the store adds no lookup before it.
    s3.on(DeleteObjectCommand).resolves({ $metadata: { httpStatusCode: 204 } });
    await expect(store().delete('nobody')).resolves.toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});
