// Text files the user gives (inputs, config, baseline, reports to merge) are UTF-8, but Windows
// PowerShell's `>` writes UTF-16 (with a byte order mark), and some editors save UTF-32. UTF-16
// is decoded; UTF-32, which Node cannot decode, is named so the user can re-save the file, rather
// than parsed into a wall of mojibake.

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

/**
 * The encoding of a text file by its byte order mark or, without one, by where the zero bytes
 * of its first character fall: JSON and YAML begin with an ASCII character, which is one byte
 * followed (UTF-16LE) or preceded (UTF-16BE) by a zero byte, or padded by three (UTF-32).
 */
export function detectEncoding(bytes: Uint8Array): { encoding: Encoding; bom: number } {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bom: 4 };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', bom: 4 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if (bytes.length >= 4) {
    if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return { encoding: 'utf-32le', bom: 0 };
    if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return { encoding: 'utf-32be', bom: 0 };
  }
  if (bytes.length >= 2) {
    if (b0 !== 0 && b1 === 0) return { encoding: 'utf-16le', bom: 0 };
    if (b0 === 0 && b1 !== 0) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: 'utf-8', bom: 0 };
}

/** Why a file could not be decoded, for an error that names the file and the way out. */
export class UndecodableText extends Error {
  constructor(readonly encoding: Encoding, message: string) {
    super(message);
    this.name = 'UndecodableText';
  }
}

/**
 * The text of a file: UTF-8 (a byte order mark dropped) or UTF-16 either way round. UTF-32 and
 * UTF-16 of an odd number of bytes throw UndecodableText with what to do.
 */
export function decodeText(bytes: Buffer): string {
  const { encoding, bom } = detectEncoding(bytes);
  const body = bytes.subarray(bom);
  if (encoding === 'utf-8') return body.toString('utf8');
  if (encoding === 'utf-32le' || encoding === 'utf-32be') {
    throw new UndecodableText(encoding, `it is ${encoding.toUpperCase()}: re-save it as UTF-8`);
  }
  if (body.length % 2 !== 0) throw new UndecodableText(encoding, `it is ${encoding.toUpperCase()} cut in the middle of a character: save it again, as UTF-8`);
  // Node decodes UTF-16LE only: big-endian text has its byte pairs swapped first (on a copy).
  return encoding === 'utf-16le' ? body.toString('utf16le') : Buffer.from(body).swap16().toString('utf16le');
}

/** How to re-save a file as UTF-8 where UTF-16 and UTF-32 files usually come from. */
export const RESAVE_HINT = 'e.g. in PowerShell: Get-Content in.json | Set-Content -Encoding utf8 out.json';

