/**
 * Small images built in code for the picture tests, so no binary fixtures live in the
 * repository and each test can say exactly which byte it breaks.
 *
 * The 1x1 images are real, decodable images. Other sizes only change the header: enough
 * for inspectImage, which reads structure, not pixels.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../../functions/core/images.js';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

function concat(...parts: (Uint8Array | readonly number[])[]): Uint8Array {
  const arrays = parts.map((part) => (part instanceof Uint8Array ? part : Uint8Array.from(part)));
  const out = new Uint8Array(arrays.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of arrays) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const u16be = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

// PNG

export const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One PNG chunk: length, type, data, and the CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array | readonly number[] = []): Uint8Array {
  const typeAndData = concat(ascii(type), data);
  return concat(u32be(typeAndData.length - 4), typeAndData, u32be(crc32(typeAndData)));
}

export function pngHeader(
  width: number,
  height: number,
  { bitDepth = 8, colourType = 2 }: { bitDepth?: number; colourType?: number } = {},
): Uint8Array {
  return pngChunk('IHDR', [...u32be(width), ...u32be(height), bitDepth, colourType, 0, 0, 0]);
}

/**
 * A truecolour 8-bit PNG of one colour. Only the header grows with the size asked for:
 * the pixel data stays one row, which is all a 1x1 image needs.
 */
export function png({ width = 1, height = 1 } = {}): Uint8Array {
  const scanline = [0, 0x33, 0x66, 0x99]; // filter type None, then one RGB pixel
  return concat(
    pngSignature,
    pngHeader(width, height),
    pngChunk('IDAT', deflateSync(Uint8Array.from(scanline))),
    pngChunk('IEND'),
  );
}

/** The PNG with every chunk after IHDR replaced by these. */
export function pngWithChunks(...chunks: Uint8Array[]): Uint8Array {
  return concat(pngSignature, pngHeader(1, 1), ...chunks);
}

/** Flips a bit in the first IDAT's data, leaving its CRC as it was. */
export function pngWithBadCrc(): Uint8Array {
  const bytes = png();
  const idatData = pngSignature.length + 25 + 8;
  bytes[idatData] = (bytes[idatData] ?? 0) ^ 0x01;
  return bytes;
}

// JPEG

const segment = (marker: number, body: readonly number[]) => [
  0xff,
  marker,
  ...u16be(body.length + 2),
  ...body,
];

export const jpegParts = {
  soi: [0xff, 0xd8],
  app0: segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, ...u16be(1), ...u16be(1), 0, 0]),
  /** One quantisation table of all ones. */
  dqt: segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
  /** Baseline frame, one grey component, 8-bit. */
  sof: (width: number, height: number, marker = 0xc0) =>
    segment(marker, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]),
  /**
   * A DC and an AC Huffman table each with the single code "0": for symbol 0 (DC
   * difference 0) and symbol 0 (end of block) respectively.
   */
  dht: [
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]),
  ],
  sos: segment(0xda, [1, 1, 0x00, 0, 63, 0]),
  /** One 8x8 block of mid-grey: DC "0", EOB "0", then padded with one bits. */
  scan: [0x3f],
  eoi: [0xff, 0xd9],
};

/** A baseline greyscale JPEG; 1x1 is a real image, other sizes only change the SOF. */
export function jpeg({ width = 1, height = 1 } = {}): Uint8Array {
  const p = jpegParts;
  return concat(p.soi, p.app0, p.dqt, p.sof(width, height), p.dht, p.sos, p.scan, p.eoi);
}

// WebP

/** A RIFF chunk, padded to an even length as RIFF requires. */
export function riffChunk(type: string, data: Uint8Array | readonly number[]): Uint8Array {
  const body = data instanceof Uint8Array ? data : Uint8Array.from(data);
  return concat(ascii(type), u32le(body.length), body, body.length % 2 ? [0] : []);
}

/** RIFF header with the correct size unless one is given. */
export function webpFile(chunks: Uint8Array[], riffSize?: number): Uint8Array {
  const body = concat(ascii('WEBP'), ...chunks);
  return concat(ascii('RIFF'), u32le(riffSize ?? body.length), body);
}

/** A lossless 1x1 bitstream (from libwebp) after its 5-byte header. */
const vp8lPixels = [0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07];

export function vp8lChunk(width = 1, height = 1): Uint8Array {
  const alphaUsed = 1 << 28;
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14) | alphaUsed;
  return riffChunk('VP8L', [0x2f, ...u32le(bits), ...vp8lPixels]);
}

/** A lossy 1x1 key frame (from libwebp) around its 14-bit sizes. */
export function vp8Chunk(width = 1, height = 1): Uint8Array {
  const frameTag = [0x30, 0x01, 0x00]; // key frame, version 0, shown, first partition 9 bytes
  const startCode = [0x9d, 0x01, 0x2a];
  const partitions = [0x0e, 0xc0, 0xfe, 0x25, 0xa4, 0x00, 0x03, 0x70, 0x00, 0x00, 0x00, 0x00];
  return riffChunk('VP8 ', [
    ...frameTag,
    ...startCode,
    ...u16le(width & 0x3fff),
    ...u16le(height & 0x3fff),
    ...partitions,
  ]);
}

export function vp8xChunk(width: number, height: number, flags = 0): Uint8Array {
  return riffChunk('VP8X', [flags, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);
}

export const webpLossless = ({ width = 1, height = 1 } = {}) =>
  webpFile([vp8lChunk(width, height)]);
export const webpLossy = ({ width = 1, height = 1 } = {}) => webpFile([vp8Chunk(width, height)]);
/** Extended format: a VP8X canvas holding a lossless image of the same size. */
export const webpExtended = ({ width = 1, height = 1 } = {}) =>
  webpFile([vp8xChunk(width, height, 0x10), vp8lChunk(width, height)]);

// Damage

/** The first `length` bytes, as an upload cut short would leave them. */
export const truncate = (bytes: Uint8Array, length: number) => bytes.slice(0, length);

/** A copy with one byte changed. */
export function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}

/** A copy of a WebP file whose RIFF size field says `size`. */
export function withRiffSize(bytes: Uint8Array, size: number): Uint8Array {
  const copy = bytes.slice();
  copy.set(u32le(size), 4);
  return copy;
}

/** A copy of a WebP file whose first chunk's size field says `size`. */
export function withFirstChunkSize(bytes: Uint8Array, size: number): Uint8Array {
  const copy = bytes.slice();
  copy.set(u32le(size), 16);
  return copy;
}

export const text = (value: string) => new TextEncoder().encode(value);
export { concat };
