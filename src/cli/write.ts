// Report and snapshot files are written whole or not at all: a temporary file beside the
// target, then a rename, so a cron job or a crash never leaves half a report behind.
import { randomBytes } from 'node:crypto';
import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';

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

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.sg-audit-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(temp, content, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw usageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the path and its permissions');
  }
}
