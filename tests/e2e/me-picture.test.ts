/**
 * Issue 4, "Must show" 2: PUT /me/picture stores a PNG, JPEG or WebP of at most 1 MiB; the
 * bytes are checked, not just the Content-Type. GET /me/picture returns the same bytes, and
 * the coordinator reads them through GET /centres/{c}/users/{u}/picture. A refused upload
 * (renamed text file, wrong type, truncated image, GIF, 1 MiB + 1 byte) stores nothing: the
 * picture stored before is still the one served.
 */
import { describe, expect, it } from 'vitest';
import {
  api,
  centreWithTeacher,
  getPicture,
  problem,
  problemOf,
  putPicture,
} from '../support/hub.js';
import { concat, jpeg, png, pngChunk, text, truncate, webpLossless } from '../support/images.js';

const MiB = 1024 * 1024;

/** A valid 1x1 PNG grown to exactly `size` bytes by a tEXt chunk after its header. */
function pngOfSize(size: number): Uint8Array {
  const base = png();
  const afterHeader = 8 + 25; // signature, then IHDR (4 length + 4 type + 13 data + 4 CRC)
  const fillerLength = size - base.length - 12 - 'Comment\0'.length;
  const textChunk = pngChunk('tEXt', concat(text('Comment\0'), text('x'.repeat(fillerLength))));
  const out = concat(base.slice(0, afterHeader), textChunk, base.slice(afterHeader));
  if (out.length !== size) throw new Error(`pngOfSize: ${out.length} !== ${size}`);
  return out;
}

describe('storing a profile picture', () => {
  it.each<[string, () => Uint8Array, string]>([
    ['a PNG', png, 'image/png'],
    ['a JPEG', jpeg, 'image/jpeg'],
    ['a WebP', webpLossless, 'image/webp'],
  ])(
    'stores %s and serves the same bytes to the user and to the coordinator',
    async (_case, make, type) => {
      // Arrange
      const { centreId, coordinatorToken, user, tokens } = await centreWithTeacher();
      const bytes = Buffer.from(make());

      // Act
      const put = await putPicture(tokens.accessToken, bytes, type);

      // Assert
      expect(put.status, put.text).toBe(200);
      expect(put.json).toMatchObject({ userId: user.userId, email: user.email });
      const mine = await getPicture('/me/picture', tokens.accessToken);
      expect(mine.status).toBe(200);
      expect(mine.contentType).toBe(type);
      expect(mine.bytes.equals(bytes)).toBe(true);
      const theirs = await getPicture(
        `/centres/${centreId}/users/${user.userId}/picture`,
        coordinatorToken,
      );
      expect(theirs.status).toBe(200);
      expect(theirs.contentType).toBe(type);
      expect(theirs.bytes.equals(bytes)).toBe(true);
    },
  );

  it('replaces an earlier picture with a new one', async () => {
    const { tokens } = await centreWithTeacher();
    await putPicture(tokens.accessToken, png(), 'image/png');

    const put = await putPicture(tokens.accessToken, jpeg(), 'image/jpeg');

    expect(put.status).toBe(200);
    const mine = await getPicture('/me/picture', tokens.accessToken);
    expect(mine.contentType).toBe('image/jpeg');
    expect(mine.bytes.equals(Buffer.from(jpeg()))).toBe(true);
  });

  it('accepts a picture of exactly 1 MiB', async () => {
    const { tokens } = await centreWithTeacher();
    const bytes = Buffer.from(pngOfSize(MiB));

    const put = await putPicture(tokens.accessToken, bytes, 'image/png');

    expect(put.status, put.text).toBe(200);
    const mine = await getPicture('/me/picture', tokens.accessToken);
    expect(mine.bytes.equals(bytes)).toBe(true);
  });

  it('answers 404 NOT_FOUND for a user who has no picture', async () => {
    const { centreId, coordinatorToken, user, tokens } = await centreWithTeacher();

    const mine = await api('GET', '/me/picture', { token: tokens.accessToken });
    const theirs = await api('GET', `/centres/${centreId}/users/${user.userId}/picture`, {
      token: coordinatorToken,
    });

    expect(problemOf(mine)).toEqual(problem(404, 'NOT_FOUND'));
    expect(problemOf(theirs)).toEqual(problem(404, 'NOT_FOUND'));
  });
});

describe('removing a profile picture', () => {
  it('answers 204, after which the picture is gone for the user and the coordinator', async () => {
    // Arrange
    const { centreId, coordinatorToken, user, tokens } = await centreWithTeacher();
    expect((await putPicture(tokens.accessToken, png(), 'image/png')).status).toBe(200);

    // Act
    const removed = await api('DELETE', '/me/picture', { token: tokens.accessToken });

    // Assert
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(problemOf(await api('GET', '/me/picture', { token: tokens.accessToken }))).toEqual(
      problem(404, 'NOT_FOUND'),
    );
    const theirs = await api('GET', `/centres/${centreId}/users/${user.userId}/picture`, {
      token: coordinatorToken,
    });
    expect(theirs.status).toBe(404);
  });
});

describe('refused pictures store nothing', () => {
  const pngBytes = png();
  it.each<[string, () => Uint8Array, string, number, string]>([
    [
      'a text file declared image/png',
      () => text('Hello, this is not a picture.\n'),
      'image/png',
      400,
      'INVALID_IMAGE',
    ],
    ['PNG bytes declared image/jpeg', png, 'image/jpeg', 400, 'INVALID_IMAGE'],
    ['JPEG bytes declared image/webp', jpeg, 'image/webp', 400, 'INVALID_IMAGE'],
    [
      'a PNG cut short',
      () => truncate(pngBytes, pngBytes.length - 10),
      'image/png',
      400,
      'INVALID_IMAGE',
    ],
    ['a JPEG cut short', () => truncate(jpeg(), 30), 'image/jpeg', 400, 'INVALID_IMAGE'],
    [
      'a GIF declared image/gif',
      () =>
        concat(
          text('GIF89a'),
          [1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 4, 1, 0, 0, 0, 0],
          [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b],
        ),
      'image/gif',
      400,
      'INVALID_IMAGE',
    ],
    [
      'an empty body declared image/png',
      () => new Uint8Array(0),
      'image/png',
      400,
      'INVALID_IMAGE',
    ],
    [
      'exactly 1 MiB + 1 byte of otherwise valid PNG',
      () => pngOfSize(MiB + 1),
      'image/png',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])(
    'refuses %s (%s) and keeps the picture stored before',
    async (_case, make, type, status, code) => {
      // Arrange
      const { centreId, coordinatorToken, user, tokens } = await centreWithTeacher();
      const stored = Buffer.from(webpLossless());
      expect((await putPicture(tokens.accessToken, stored, 'image/webp')).status).toBe(200);
      const before = await api('GET', '/me', { token: tokens.accessToken });

      // Act
      const answer = await putPicture(tokens.accessToken, make(), type);

      // Assert
      expect(problemOf(answer), answer.text).toEqual(problem(status, code));
      const mine = await getPicture('/me/picture', tokens.accessToken);
      expect(mine.status).toBe(200);
      expect(mine.contentType).toBe('image/webp');
      expect(mine.bytes.equals(stored)).toBe(true);
      const theirs = await getPicture(
        `/centres/${centreId}/users/${user.userId}/picture`,
        coordinatorToken,
      );
      expect(theirs.bytes.equals(stored)).toBe(true);
      expect((await api('GET', '/me', { token: tokens.accessToken })).json).toEqual(before.json);
    },
  );

  it('stores nothing when the very first upload is refused', async () => {
    const { tokens } = await centreWithTeacher();

    const answer = await putPicture(tokens.accessToken, text('plain text'), 'image/png');

    expect(problemOf(answer)).toEqual(problem(400, 'INVALID_IMAGE'));
    expect((await api('GET', '/me/picture', { token: tokens.accessToken })).status).toBe(404);
  });

  it('refuses an upload without a token with 401 and stores nothing', async () => {
    const { tokens } = await centreWithTeacher();

    const answer = await api('PUT', '/me/picture', {
      rawBody: Buffer.from(png()),
      headers: { 'content-type': 'image/png' },
    });

    expect(problemOf(answer)).toEqual(problem(401, 'UNAUTHENTICATED'));
    expect((await api('GET', '/me/picture', { token: tokens.accessToken })).status).toBe(404);
  });
});
