/**
 * Profile pictures: what bytes we accept, and where they are kept.
 *
 * A picture is only stored when its bytes really are the image type its Content-Type
 * names: the magic number, and a header and chunk/segment structure that holds together
 * up to the end of the file. The picture is later served back with that Content-Type to
 * browsers, so a renamed HTML or SVG file must never get through, and a truncated upload
 * must be refused rather than stored and shown broken. Pixels are not decoded: the
 * structure is enough to tell a real image from anything else, and decoding untrusted
 * images is what we would rather leave to the browser's hardened decoders.
 *
 * No AWS imports and no dependencies: this runs in the handler on every upload.
 */
import { maxPictureBytes } from './domain.js';

export const pictureTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type PictureType = (typeof pictureTypes)[number];

/** Each side at most this many pixels. */
export const maxPictureSide = 8192;
/**
 * A few hundred bytes can declare a gigapixel image that a browser then tries to
 * allocate (a decompression bomb), so the area is capped below maxPictureSide².
 */
export const maxPicturePixels = 40_000_000;

export type ImageInspection =
  | { ok: true; type: PictureType; width: number; height: number }
  | { ok: false; reason: string };

/** Where profile pictures are kept (S3 in functions/core/adapters/s3.ts). */
export interface PictureStore {
  /** Replaces the user's picture, if any. */
  put(userId: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Undefined when the user has no picture. */
  get(userId: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  /** Succeeds whether or not the user had a picture. */
  delete(userId: string): Promise<void>;
}

type Failure = { ok: false; reason: string };
type Dimensions = { ok: true; width: number; height: number };

const fail = (reason: string): Failure => ({ ok: false, reason });

const typeNames: Record<PictureType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
};

/** The media type without parameters, lower-cased, if it is one we accept. */
export function pictureTypeOf(contentType: string): PictureType | undefined {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return pictureTypes.find((type) => type === essence);
}

/**
 * Accepts the bytes only if they are a complete PNG, JPEG or WebP image of the declared
 * type, within the size and dimension limits; otherwise says why, in a sentence fit for
 * the client.
 */
export function inspectImage(bytes: Uint8Array, declaredType: string): ImageInspection {
  if (bytes.length === 0) return fail('The picture is empty');
  if (bytes.length > maxPictureBytes) return fail('The picture is larger than 1 MiB');
  const declared = pictureTypeOf(declaredType);
  if (!declared) return fail('Only PNG, JPEG and WebP pictures are accepted');
  const detected = detectType(bytes);
  if (!detected) return fail('The file is not a PNG, JPEG or WebP image');
  if (detected !== declared) {
    return fail(`The file is a ${typeNames[detected]} image but was sent as ${declared}`);
  }
  const parsed =
    detected === 'image/png'
      ? inspectPng(bytes)
      : detected === 'image/jpeg'
        ? inspectJpeg(bytes)
        : inspectWebp(bytes);
  if (!parsed.ok) return parsed;
  const { width, height } = parsed;
  if (width < 1 || height < 1) return fail(`The ${typeNames[detected]} image has no pixels`);
  if (width > maxPictureSide || height > maxPictureSide || width * height > maxPicturePixels) {
    return fail(
      `The picture is too large: at most ${maxPictureSide} pixels a side and ${maxPicturePixels / 1_000_000} million pixels`,
    );
  }
  return { ok: true, type: detected, width, height };
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

function detectType(bytes: Uint8Array): PictureType | undefined {
  if (startsWith(bytes, pngSignature)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

const u16be = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32be = (b: Uint8Array, at: number) => u16be(b, at) * 0x10000 + u16be(b, at + 2);
const u16le = (b: Uint8Array, at: number) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) + (b[at + 2] ?? 0) * 0x10000;
const u32le = (b: Uint8Array, at: number) => u16le(b, at) + u16le(b, at + 2) * 0x10000;
const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG (and zlib, zip) define it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Bit depths allowed for each PNG colour type (PNG specification, table 11.1). */
const pngBitDepths: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function inspectPng(bytes: Uint8Array): Dimensions | Failure {
  const incomplete = fail('The file is not a complete PNG image');
  const damaged = fail('The PNG image is damaged');
  let width = 0;
  let height = 0;
  let colourType = 0;
  let sawPalette = false;
  let idats = 0;
  let idatsEnded = false;
  let at = pngSignature.length;
  for (let index = 0; ; index++) {
    if (at + 12 > bytes.length) return incomplete;
    const length = u32be(bytes, at);
    const type = fourcc(bytes, at + 4);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) return damaged;
    const dataEnd = at + 8 + length;
    if (dataEnd + 4 > bytes.length) return incomplete;
    if (crc32(bytes.subarray(at + 4, dataEnd)) !== u32be(bytes, dataEnd)) {
      return fail('The PNG image is damaged (a checksum does not match)');
    }
    const data = bytes.subarray(at + 8, dataEnd);
    at = dataEnd + 4;

    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return fail('The PNG image has no valid header');
      width = u32be(data, 0);
      height = u32be(data, 4);
      const bitDepth = data[8] ?? 0;
      colourType = data[9] ?? 0;
      if (width > 0x7fffffff || height > 0x7fffffff)
        return fail('The PNG image has no valid header');
      if (!pngBitDepths[colourType]?.includes(bitDepth)) {
        return fail('The PNG image has an invalid bit depth or colour type');
      }
      // Compression and filter method 0 are the only ones defined; interlace is 0 or 1.
      if (data[10] !== 0 || data[11] !== 0 || (data[12] ?? 2) > 1) {
        return fail('The PNG image has no valid header');
      }
      continue;
    }
    if (type === 'IHDR') return damaged;
    if (type === 'PLTE') sawPalette = true;
    if (type === 'IDAT') {
      // The image data is one zlib stream split over consecutive IDAT chunks.
      if (idatsEnded) return damaged;
      idats++;
    } else if (idats > 0) {
      idatsEnded = true;
    }
    if (type === 'IEND') {
      if (length !== 0) return damaged;
      if (idats === 0) return fail('The PNG image has no image data');
      if (colourType === 3 && !sawPalette) return fail('The PNG image has no palette');
      // Anything after IEND would be bytes we store and serve without knowing what they are.
      if (at !== bytes.length) return fail('The PNG image has data after its end');
      return { ok: true, width, height };
    }
  }
}

function isJpegSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function inspectJpeg(bytes: Uint8Array): Dimensions | Failure {
  const incomplete = fail('The file is not a complete JPEG image');
  const damaged = fail('The JPEG image is damaged');
  let width = 0;
  let height = 0;
  let sawFrame = false;
  let sawScan = false;
  let at = 2;
  for (;;) {
    if (at >= bytes.length) return incomplete;
    if (bytes[at] !== 0xff) return damaged;
    // Any number of 0xFF fill bytes may precede a marker.
    while (bytes[at] === 0xff) at++;
    if (at >= bytes.length) return incomplete;
    const marker = bytes[at] ?? 0;
    at++;
    if (marker === 0xd9) {
      if (!sawFrame) return fail('The JPEG image has no frame header');
      if (!sawScan) return fail('The JPEG image has no image data');
      // Some encoders pad the file with zeros; anything else after EOI is refused.
      if (bytes.subarray(at).some((byte) => byte !== 0)) {
        return fail('The JPEG image has data after its end');
      }
      return { ok: true, width, height };
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0x00 || marker === 0xd8) return damaged;

    if (at + 2 > bytes.length) return incomplete;
    const length = u16be(bytes, at);
    if (length < 2) return damaged;
    if (at + length > bytes.length) return incomplete;
    const segment = bytes.subarray(at + 2, at + length);
    at += length;

    if (isJpegSof(marker)) {
      if (sawFrame) return damaged;
      // Baseline, extended and progressive Huffman JPEG are what browsers display;
      // lossless and arithmetic-coded JPEG would be stored and then shown broken.
      if (marker > 0xc2) return fail('The JPEG image uses an encoding browsers cannot show');
      const components = segment[5] ?? 0;
      if (segment.length < 6 || components < 1 || segment.length !== 6 + 3 * components) {
        return fail('The JPEG image has no valid frame header');
      }
      height = u16be(segment, 1);
      width = u16be(segment, 3);
      sawFrame = true;
      continue;
    }
    if (marker === 0xda) {
      if (!sawFrame) return fail('The JPEG image has no frame header');
      const components = segment[0] ?? 0;
      if (components < 1 || components > 4 || segment.length !== 4 + 2 * components) {
        return damaged;
      }
      sawScan = true;
      // Entropy-coded data follows: 0xFF is escaped as FF 00, and restart markers
      // FF D0–D7 sit inside it; any other marker ends the scan.
      for (;;) {
        if (at + 1 >= bytes.length) return incomplete;
        if (bytes[at] !== 0xff) {
          at++;
          continue;
        }
        const next = bytes[at + 1] ?? 0;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          at += 2;
          continue;
        }
        if (next === 0xff) {
          at++;
          continue;
        }
        break;
      }
    }
  }
}

type WebpChunk = { type: string; data: Uint8Array };

function inspectWebp(bytes: Uint8Array): Dimensions | Failure {
  const incomplete = fail('The file is not a complete WebP image');
  const damaged = fail('The WebP image is damaged');
  if (bytes.length < 20) return incomplete;
  // RIFF counts from byte 8, and every chunk is padded to an even length.
  const riffSize = u32le(bytes, 4);
  if (riffSize + 8 > bytes.length) return incomplete;
  if (riffSize + 8 !== bytes.length || riffSize % 2 !== 0) {
    return fail('The WebP image size field does not match the file');
  }

  const chunks: WebpChunk[] = [];
  let at = 12;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) return incomplete;
    const type = fourcc(bytes, at);
    const size = u32le(bytes, at + 4);
    const end = at + 8 + size;
    if (end + (size % 2) > bytes.length) return incomplete;
    chunks.push({ type, data: bytes.subarray(at + 8, end) });
    at = end + (size % 2);
  }

  const [first] = chunks;
  if (!first) return incomplete;
  if (first.type === 'VP8 ') return vp8Dimensions(first.data);
  if (first.type === 'VP8L') return vp8lDimensions(first.data);
  if (first.type !== 'VP8X') return damaged;

  if (first.data.length < 10) return fail('The WebP image has no valid header');
  const animated = ((first.data[0] ?? 0) & 0x02) !== 0;
  const width = u24le(first.data, 4) + 1;
  const height = u24le(first.data, 7) + 1;
  if (animated) {
    if (!chunks.some((chunk) => chunk.type === 'ANMF')) {
      return fail('The WebP image has no image data');
    }
    return { ok: true, width, height };
  }
  const image = chunks.find((chunk) => chunk.type === 'VP8 ' || chunk.type === 'VP8L');
  if (!image) return fail('The WebP image has no image data');
  const inner = image.type === 'VP8 ' ? vp8Dimensions(image.data) : vp8lDimensions(image.data);
  if (!inner.ok) return inner;
  // A still image fills its canvas exactly; a mismatch is what decoders refuse too.
  if (inner.width !== width || inner.height !== height) return damaged;
  return { ok: true, width, height };
}

/** Lossy bitstream: a key-frame tag, the start code 9D 01 2A, then 14-bit sizes. */
function vp8Dimensions(data: Uint8Array): Dimensions | Failure {
  if (data.length < 10) return fail('The file is not a complete WebP image');
  const tag = (data[0] ?? 0) | ((data[1] ?? 0) << 8) | ((data[2] ?? 0) << 16);
  const keyFrame = (tag & 1) === 0;
  const version = (tag >> 1) & 7;
  const shown = ((tag >> 4) & 1) === 1;
  const firstPartition = tag >>> 5;
  if (!keyFrame || version > 3 || !shown || !startsWith(data, [0x9d, 0x01, 0x2a], 3)) {
    return fail('The WebP image has no valid header');
  }
  if (10 + firstPartition > data.length) return fail('The file is not a complete WebP image');
  return { ok: true, width: u16le(data, 6) & 0x3fff, height: u16le(data, 8) & 0x3fff };
}

/** Lossless bitstream: signature 0x2F, then 14-bit width−1 and height−1, version 0. */
function vp8lDimensions(data: Uint8Array): Dimensions | Failure {
  if (data.length < 5) return fail('The file is not a complete WebP image');
  const bits = u32le(data, 1);
  if (data[0] !== 0x2f || bits >>> 29 !== 0) return fail('The WebP image has no valid header');
  return { ok: true, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}
