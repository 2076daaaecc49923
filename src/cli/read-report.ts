// Reading back a JSON report the user gives (a baseline, a shard to merge): the text decoded as
// input files are (UTF-16 read, UTF-32 named), and hostile nesting refused once parsed.
import { readFile } from 'node:fs/promises';
import { decodeText, RESAVE_HINT, UndecodableText } from '../decode-text.js';
import { usageError } from '../errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';

/** A JSON report (a baseline, a shard) as text; UTF-16 decoded, UTF-32 refused with the way out. */
export async function readReportText(file: string, cannotRead: (error: NodeJS.ErrnoException) => Error): Promise<string> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw cannotRead(error);
  });
  let text: string;
  try {
    text = decodeText(bytes);
  } catch (error) {
    if (error instanceof UndecodableText) throw usageError(`${file}: ${error.message}`, RESAVE_HINT);
    throw error;
  }
  return text;
}

/** A report read back is walked by the renderers: hostile nesting (in evidence, say) stops here. */
export function refuseDeep<T>(report: T, file: string): T {
  if (nestsDeeperThan(report)) throw usageError(`${file} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`, 'give a JSON report sg-audit wrote');
  return report;
}

