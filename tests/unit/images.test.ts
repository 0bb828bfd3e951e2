import { describe, expect, it } from 'vitest';
import { maxPictureBytes } from '../../functions/core/domain.js';
import { crc32, inspectImage, pictureTypeOf } from '../../functions/core/images.js';
import {
  concat,
  jpeg,
  jpegParts,
  png,
  pngChunk,
  pngHeader,
  pngSignature,
  pngWithBadCrc,
  pngWithChunks,
  riffChunk,
  text,
  truncate,
  vp8Chunk,
  vp8lChunk,
  vp8xChunk,
  webpExtended,
  webpFile,
  webpLossless,
  webpLossy,
  withByte,
  withFirstChunkSize,
  withRiffSize,
} from '../support/images.js';

const refused = (bytes: Uint8Array, declaredType: string) => {
  const result = inspectImage(bytes, declaredType);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.reason;
};

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
  });
});

describe('pictureTypeOf', () => {
  it('ignores case and parameters', () => {
    expect(pictureTypeOf('Image/PNG; charset=binary')).toBe('image/png');
    expect(pictureTypeOf(' image/webp ')).toBe('image/webp');
    expect(pictureTypeOf('image/gif')).toBeUndefined();
  });
});

describe('inspectImage accepts', () => {
  it.each([
    ['a PNG', png(), 'image/png'],
    ['a baseline JPEG', jpeg(), 'image/jpeg'],
    ['a lossless WebP (VP8L)', webpLossless(), 'image/webp'],
    ['a lossy WebP (VP8)', webpLossy(), 'image/webp'],
    ['an extended WebP (VP8X)', webpExtended(), 'image/webp'],
  ])('%s', (_, bytes, type) => {
    expect(inspectImage(bytes, type)).toEqual({ ok: true, type, width: 1, height: 1 });
  });

  it('reports the dimensions from the header', () => {
    expect(inspectImage(png({ width: 640, height: 480 }), 'image/png')).toMatchObject({
      width: 640,
      height: 480,
    });
    expect(inspectImage(jpeg({ width: 300, height: 200 }), 'image/jpeg')).toMatchObject({
      width: 300,
      height: 200,
    });
    expect(inspectImage(webpLossless({ width: 100, height: 50 }), 'image/webp')).toMatchObject({
      width: 100,
      height: 50,
    });
    expect(inspectImage(webpLossy({ width: 120, height: 90 }), 'image/webp')).toMatchObject({
      width: 120,
      height: 90,
    });
    expect(inspectImage(webpExtended({ width: 8192, height: 4096 }), 'image/webp')).toMatchObject({
      width: 8192,
      height: 4096,
    });
  });

  it('a Content-Type with parameters and other case', () => {
    expect(inspectImage(png(), 'IMAGE/PNG; charset=binary').ok).toBe(true);
  });

  it('a picture of exactly 1 MiB', () => {
    const idat = pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00]);
    const unpadded = pngWithChunks(idat, pngChunk('IEND'));
    const padding = pngChunk('tEXt', new Uint8Array(maxPictureBytes - unpadded.length - 12));
    const bytes = pngWithChunks(idat, padding, pngChunk('IEND'));
    expect(bytes.length).toBe(maxPictureBytes);
    expect(inspectImage(bytes, 'image/png').ok).toBe(true);
  });

  it('a JPEG with fill bytes, restart markers, stuffed 0xFF and zero padding after EOI', () => {
    const p = jpegParts;
    const scan = [0x3f, 0xff, 0x00, 0xff, 0xd0, 0x3f];
    const bytes = concat(
      p.soi,
      [0xff, 0xff],
      p.dqt,
      p.sof(1, 1),
      p.dht,
      p.sos,
      scan,
      p.eoi,
      [0, 0],
    );
    expect(inspectImage(bytes, 'image/jpeg').ok).toBe(true);
  });

  it('a progressive JPEG with several scans', () => {
    const p = jpegParts;
    const bytes = concat(
      p.soi,
      p.dqt,
      p.sof(2, 2, 0xc2),
      p.dht,
      p.sos,
      p.scan,
      p.dht,
      p.sos,
      p.scan,
      p.eoi,
    );
    expect(inspectImage(bytes, 'image/jpeg')).toMatchObject({ ok: true, width: 2, height: 2 });
  });
});

describe('inspectImage refuses', () => {
  it('a text file renamed to .png', () => {
    expect(refused(text('hello'), 'image/png')).toBe('The file is not a PNG, JPEG or WebP image');
  });

  it('an HTML page declared as image/jpeg', () => {
    expect(refused(text('<html><script>alert(1)</script></html>'), 'image/jpeg')).toMatch(
      /not a PNG, JPEG or WebP/,
    );
  });

  it('a Content-Type that does not match the bytes (PNG bytes sent as image/jpeg)', () => {
    expect(refused(png(), 'image/jpeg')).toBe('The file is a PNG image but was sent as image/jpeg');
    expect(refused(jpeg(), 'image/webp')).toMatch(/JPEG image but was sent as image\/webp/);
    expect(refused(webpLossless(), 'image/png')).toMatch(/WebP image but was sent as image\/png/);
  });

  it('an unsupported type: GIF', () => {
    expect(refused(text('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'image/gif')).toBe(
      'Only PNG, JPEG and WebP pictures are accepted',
    );
  });

  it('an unsupported type: SVG, with SVG bytes', () => {
    const svg = text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(refused(svg, 'image/svg+xml')).toMatch(/Only PNG, JPEG and WebP/);
  });

  it('a missing or empty Content-Type', () => {
    expect(refused(png(), '')).toMatch(/Only PNG, JPEG and WebP/);
    expect(refused(png(), 'application/octet-stream')).toMatch(/Only PNG, JPEG and WebP/);
  });

  it('an empty body', () => {
    expect(refused(new Uint8Array(0), 'image/png')).toBe('The picture is empty');
  });

  it('1 MiB + 1 byte', () => {
    const bytes = concat(png(), new Uint8Array(maxPictureBytes + 1 - png().length));
    expect(bytes.length).toBe(maxPictureBytes + 1);
    expect(refused(bytes, 'image/png')).toBe('The picture is larger than 1 MiB');
  });

  describe('PNG', () => {
    it('truncated: no IEND', () => {
      const whole = png();
      expect(refused(truncate(whole, whole.length - 12), 'image/png')).toBe(
        'The file is not a complete PNG image',
      );
    });

    it('truncated in the middle of a chunk', () => {
      expect(refused(truncate(png(), 40), 'image/png')).toMatch(/not a complete PNG/);
    });

    it('only the signature', () => {
      expect(refused(Uint8Array.from(pngSignature), 'image/png')).toMatch(/not a complete PNG/);
    });

    it('a bad CRC', () => {
      expect(refused(pngWithBadCrc(), 'image/png')).toMatch(/checksum does not match/);
    });

    it('a bad CRC on the header', () => {
      expect(refused(withByte(png(), 19, 2), 'image/png')).toMatch(/checksum/);
    });

    it('0 width', () => {
      expect(refused(png({ width: 0, height: 1 }), 'image/png')).toMatch(/no pixels/);
    });

    it('100000x100000 (header only): too large', () => {
      expect(refused(png({ width: 100_000, height: 100_000 }), 'image/png')).toMatch(/too large/);
    });

    it('8192x8192: within each side but over 40 million pixels', () => {
      expect(refused(png({ width: 8192, height: 8192 }), 'image/png')).toMatch(/too large/);
    });

    it('8193 pixels wide', () => {
      expect(refused(png({ width: 8193, height: 1 }), 'image/png')).toMatch(/too large/);
    });

    it('an invalid bit depth for its colour type', () => {
      const bytes = concat(
        pngSignature,
        pngHeader(1, 1, { bitDepth: 4, colourType: 2 }),
        pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00]),
        pngChunk('IEND'),
      );
      expect(refused(bytes, 'image/png')).toMatch(/bit depth or colour type/);
    });

    it('a first chunk that is not IHDR', () => {
      const bytes = concat(pngSignature, pngChunk('IDAT', [0]), pngChunk('IEND'));
      expect(refused(bytes, 'image/png')).toMatch(/no valid header/);
    });

    it('no IDAT', () => {
      expect(refused(pngWithChunks(pngChunk('IEND')), 'image/png')).toMatch(/no image data/);
    });

    it('a palette image without a palette', () => {
      const bytes = concat(
        pngSignature,
        pngHeader(1, 1, { bitDepth: 8, colourType: 3 }),
        pngChunk('IDAT', [0x78, 0x9c, 0x03, 0x00]),
        pngChunk('IEND'),
      );
      expect(refused(bytes, 'image/png')).toMatch(/no palette/);
    });

    it('data appended after IEND', () => {
      expect(refused(concat(png(), text('<script>')), 'image/png')).toMatch(/after its end/);
    });

    it('a chunk length past the end of the file', () => {
      const bytes = pngWithChunks(concat([0x00, 0x10, 0x00, 0x00], text('IDAT'), [1, 2, 3]));
      expect(refused(bytes, 'image/png')).toMatch(/not a complete PNG/);
    });
  });

  describe('JPEG', () => {
    it('truncated: no EOI', () => {
      const whole = jpeg();
      expect(refused(truncate(whole, whole.length - 2), 'image/jpeg')).toBe(
        'The file is not a complete JPEG image',
      );
    });

    it('truncated inside a segment', () => {
      expect(refused(truncate(jpeg(), 30), 'image/jpeg')).toMatch(/not a complete JPEG/);
    });

    it('only SOI', () => {
      expect(refused(Uint8Array.from([0xff, 0xd8, 0xff]), 'image/jpeg')).toMatch(
        /not a complete JPEG/,
      );
    });

    it('no SOF', () => {
      const p = jpegParts;
      const bytes = concat(p.soi, p.app0, p.dqt, p.dht, p.sos, p.scan, p.eoi);
      expect(refused(bytes, 'image/jpeg')).toBe('The JPEG image has no frame header');
    });

    it('no SOS', () => {
      const p = jpegParts;
      const bytes = concat(p.soi, p.dqt, p.sof(1, 1), p.dht, p.eoi);
      expect(refused(bytes, 'image/jpeg')).toBe('The JPEG image has no image data');
    });

    it('a lossless (SOF3) JPEG browsers cannot show', () => {
      const p = jpegParts;
      const bytes = concat(p.soi, p.dqt, p.sof(1, 1, 0xc3), p.dht, p.sos, p.scan, p.eoi);
      expect(refused(bytes, 'image/jpeg')).toMatch(/encoding browsers cannot show/);
    });

    it('a height of 0 (left to a DNL marker)', () => {
      expect(refused(jpeg({ width: 1, height: 0 }), 'image/jpeg')).toMatch(/no pixels/);
    });

    it('65535x65535: too large', () => {
      expect(refused(jpeg({ width: 65_535, height: 65_535 }), 'image/jpeg')).toMatch(/too large/);
    });

    it('data appended after EOI', () => {
      expect(refused(concat(jpeg(), text('<html>')), 'image/jpeg')).toMatch(/after its end/);
    });

    it('a segment length past the end of the file', () => {
      const p = jpegParts;
      const bytes = concat(p.soi, [0xff, 0xe1, 0x40, 0x00, 0x00], p.eoi);
      expect(refused(bytes, 'image/jpeg')).toMatch(/not a complete JPEG/);
    });

    it('garbage where a marker should be', () => {
      const p = jpegParts;
      expect(refused(concat(p.soi, [0xff, 0xe0, 0x00, 0x02], text('hello')), 'image/jpeg')).toBe(
        'The JPEG image is damaged',
      );
    });
  });

  describe('WebP', () => {
    it('a RIFF size larger than the file', () => {
      const bytes = webpLossless();
      expect(refused(withRiffSize(bytes, bytes.length + 100), 'image/webp')).toMatch(
        /not a complete WebP/,
      );
    });

    it('a RIFF size smaller than the file', () => {
      const bytes = webpLossless();
      expect(refused(withRiffSize(bytes, bytes.length - 10), 'image/webp')).toBe(
        'The WebP image size field does not match the file',
      );
    });

    it('truncated', () => {
      const bytes = webpLossy();
      expect(refused(truncate(bytes, bytes.length - 4), 'image/webp')).toMatch(
        /not a complete WebP/,
      );
    });

    it('a chunk overrunning the file', () => {
      expect(refused(withFirstChunkSize(webpLossless(), 1000), 'image/webp')).toMatch(
        /not a complete WebP/,
      );
    });

    it('a VP8X chunk overrunning the file', () => {
      expect(refused(withFirstChunkSize(webpExtended(), 0xffff), 'image/webp')).toMatch(
        /not a complete WebP/,
      );
    });

    it('a VP8L chunk without its signature', () => {
      expect(refused(withByte(webpLossless(), 20, 0x00), 'image/webp')).toMatch(/no valid header/);
    });

    it('a VP8 chunk without its start code', () => {
      expect(refused(withByte(webpLossy(), 23, 0x00), 'image/webp')).toMatch(/no valid header/);
    });

    it('a lossy chunk that is not a key frame', () => {
      expect(refused(withByte(webpLossy(), 20, 0x31), 'image/webp')).toMatch(/no valid header/);
    });

    it('a lossy WebP of 0x0', () => {
      expect(refused(webpLossy({ width: 0, height: 0 }), 'image/webp')).toMatch(/no pixels/);
    });

    it('an extended WebP of 16384x16384: too large', () => {
      expect(refused(webpExtended({ width: 16_384, height: 16_384 }), 'image/webp')).toMatch(
        /too large/,
      );
    });

    it('an extended WebP with no image in it', () => {
      expect(refused(webpFile([vp8xChunk(1, 1)]), 'image/webp')).toMatch(/no image data/);
    });

    it('an extended WebP whose canvas differs from its image', () => {
      expect(refused(webpFile([vp8xChunk(2, 2), vp8lChunk(1, 1)]), 'image/webp')).toMatch(
        /damaged/,
      );
    });

    it('an animated WebP with no frames', () => {
      const bytes = webpFile([vp8xChunk(1, 1, 0x02), riffChunk('ANIM', new Uint8Array(6))]);
      expect(refused(bytes, 'image/webp')).toMatch(/no image data/);
    });

    it('a first chunk that is not an image', () => {
      const bytes = webpFile([riffChunk('EXIF', [1, 2]), vp8Chunk()]);
      expect(refused(bytes, 'image/webp')).toBe('The WebP image is damaged');
    });

    it('a RIFF container that is not WebP', () => {
      const wave = concat(text('RIFF'), [4, 0, 0, 0], text('WAVE'));
      expect(refused(wave, 'image/webp')).toMatch(/not a PNG, JPEG or WebP/);
    });
  });
});
