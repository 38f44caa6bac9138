/**
 * Cover art as Apple and PSP-1 want it: a square JPEG or PNG of 1400–3000 px in RGB, the
 * file extension matching the format. The dimensions come from the file itself (PNG IHDR,
 * JPEG start-of-frame), never from its name.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LetterpodError } from '../errors.js';

export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;

export interface ImageInfo {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
  /** "rgb", "gray", "cmyk", "palette" (PNG), or "unknown". */
  color: 'rgb' | 'gray' | 'cmyk' | 'palette' | 'unknown';
  contentType: 'image/jpeg' | 'image/png';
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngInfo(bytes: Buffer): ImageInfo | undefined {
  // signature, then the IHDR chunk: length (4), "IHDR", width (4), height (4), depth, color type
  if (bytes.length < 26 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const colorType = bytes[25];
  const color = colorType === 2 || colorType === 6 ? 'rgb' : colorType === 0 || colorType === 4 ? 'gray' : colorType === 3 ? 'palette' : 'unknown';
  return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), color, contentType: 'image/png' };
}

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header with the size. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegInfo(bytes: Buffer): ImageInfo | undefined {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame header
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      if (i + 10 > bytes.length) return undefined;
      const components = bytes[i + 9];
      const color = components === 3 ? 'rgb' : components === 1 ? 'gray' : components === 4 ? 'cmyk' : 'unknown';
      return { format: 'jpeg', height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7), color, contentType: 'image/jpeg' };
    }
    i += 2 + length;
  }
  return undefined;
}

/** Format and size read from the image's own header, or undefined when it is neither a JPEG nor a PNG we can read. */
export function imageInfo(bytes: Buffer): ImageInfo | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return pngInfo(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegInfo(bytes);
  return undefined;
}

export interface ArtworkProblem {
  /** "square", "size", "color" or "extension". */
  kind: 'square' | 'size' | 'color' | 'extension';
  /** A phrase that follows "the artwork": "is not square (1400×1000 px)". */
  message: string;
}

/** What is wrong with the artwork for Apple/PSP-1, empty when nothing. `name`: its file name or URL. */
export function artworkProblems(info: ImageInfo, name?: string): ArtworkProblem[] {
  const problems: ArtworkProblem[] = [];
  const size = `${info.width}×${info.height} px`;
  if (info.width !== info.height) problems.push({ kind: 'square', message: `is not square (${size})` });
  if (Math.min(info.width, info.height) < ARTWORK_MIN_PX) {
    problems.push({ kind: 'size', message: `is too small (${size}; at least ${ARTWORK_MIN_PX}×${ARTWORK_MIN_PX})` });
  }
  if (Math.max(info.width, info.height) > ARTWORK_MAX_PX) {
    problems.push({ kind: 'size', message: `is too large (${size}; at most ${ARTWORK_MAX_PX}×${ARTWORK_MAX_PX})` });
  }
  if (info.color === 'cmyk') problems.push({ kind: 'color', message: 'is CMYK (Apple needs RGB)' });
  if (name !== undefined) {
    const ext = extname(name.split(/[?#]/)[0] ?? '').toLowerCase();
    const expected = info.format === 'png' ? ['.png'] : ['.jpg', '.jpeg'];
    if (ext && !expected.includes(ext)) {
      problems.push({ kind: 'extension', message: `is a ${info.format.toUpperCase()} named "${ext}" (the extension must match the format)` });
    }
  }
  return problems;
}

/**
 * Read and check cover art for publishing: a JPEG or PNG, square, 1400–3000 px, RGB, with
 * a matching extension. Throws LetterpodError naming the file otherwise.
 */
export async function readArtwork(path: string): Promise<ImageInfo & { bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new LetterpodError({ file: path, problem: 'cover art not found', fix: 'Fix show.image in the config (a path relative to it)', cause });
  }
  const info = imageInfo(bytes);
  if (!info) {
    throw new LetterpodError({ file: path, problem: 'cover art is neither a JPEG nor a PNG (or its header is damaged)', fix: 'Use a square 1400–3000 px JPEG or PNG' });
  }
  const problems = artworkProblems(info, path);
  if (problems.length) {
    throw new LetterpodError({
      file: path,
      problem: `cover art ${problems.map((p) => p.message).join('; ')}`,
      fix: `Export a square RGB ${info.format === 'png' ? 'PNG' : 'JPEG'} between ${ARTWORK_MIN_PX}×${ARTWORK_MIN_PX} and ${ARTWORK_MAX_PX}×${ARTWORK_MAX_PX} px (3000×3000 is best)`,
    });
  }
  return { ...info, bytes };
}
