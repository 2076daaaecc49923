// Report and snapshot files are written whole or not at all: a temporary file beside the
// target, then a rename, so a cron job or a crash never leaves half a report behind. A text may
// come in pieces (a large JSON report is written while it is serialized, never held whole).
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';

/** A report's text: whole, or in pieces to be written in order. */
export type Text = string | Iterable<string>;

export async function checkOutputPath(path: string, inputs: readonly string[]): Promise<void> {
  const target = resolve(path);
  if (inputs.some((input) => resolve(input) === target)) {
    throw usageError(`--output ${path} is also an input file; it would be overwritten`, 'write the report to another file');
  }
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) throw usageError(`--output ${path} is a directory`, 'give a file name, e.g. --output report.json');
  const parent = await stat(dirname(target)).catch(() => undefined);
  if (!parent?.isDirectory()) throw usageError(`--output ${path}: directory ${dirname(path)} does not exist`, 'create it first');
}

// Pieces are gathered into writes of about this many characters: a write per piece (per finding)
// would cost more than holding a megabyte.
const WRITE_CHARS = 1 << 20;

/** The text in strings of about WRITE_CHARS characters (a whole text as it is). */
export function* writeBatches(text: Text): Generator<string> {
  // A string is iterable too, by character: it must never be taken for pieces.
  if (typeof text === 'string') {
    yield text;
    return;
  }
  let parts: string[] = [];
  let size = 0;
  for (const piece of text) {
    parts.push(piece);
    size += piece.length;
    if (size >= WRITE_CHARS) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** Writes a text to a stream (stdout) in batches. */
export function writeText(stream: { write(text: string): unknown }, text: Text): void {
  for (const batch of writeBatches(text)) stream.write(batch);
}

/** A file written beside its target: commit() puts it in place, discard() removes it. */
interface StagedFile {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

const cannotWrite = (path: string, error: unknown) =>
  usageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the path and its permissions');

/**
 * Writes the text to a temporary file beside `path`. A failure to write is a usage error naming
 * the path; a failure to produce the text (a renderer's) propagates as it is. Either way the
 * temporary file is removed.
 */
async function stageFile(path: string, text: Text): Promise<StagedFile> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.sg-audit-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const discard = () => unlink(temp).catch(() => undefined);
  const handle = await open(temp, 'wx').catch((error: unknown) => {
    throw cannotWrite(path, error);
  });
  try {
    for (const batch of writeBatches(text)) {
      const bytes = Buffer.from(batch, 'utf8');
      for (let done = 0; done < bytes.length; ) {
        done += (await handle.write(bytes, done).catch((error: unknown) => {
          throw cannotWrite(path, error);
        })).bytesWritten;
      }
    }
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await discard();
    throw error;
  }
  return {
    commit: () =>
      rename(temp, target).catch(async (error: unknown) => {
        await discard();
        throw cannotWrite(path, error);
      }),
    discard,
  };
}

export async function writeFileAtomic(path: string, content: Text): Promise<void> {
  await writeFilesAtomic([{ path, text: content }]);
}

/**
 * Several files, all or none: each is written beside its target, and they are put in place only
 * once every one is complete, so a failure leaves no mix of old and new files.
 */
export async function writeFilesAtomic(files: readonly { readonly path: string; readonly text: Text }[]): Promise<void> {
  const staged: StagedFile[] = [];
  try {
    for (const { path, text } of files) staged.push(await stageFile(path, text));
  } catch (error) {
    for (const file of staged) await file.discard();
    throw error;
  }
  for (const file of staged) await file.commit();
}
