// Report and snapshot files are written whole or not at all: a temporary file beside the
// target, then a rename, so a cron job or a crash never leaves half a report behind. A text may
// come in pieces (a large JSON report is written while it is serialized, never held whole).
//
// Atomic replacement is for regular files only. A device (`/dev/null`), a FIFO and the standard
// streams (`-`, `/dev/stdout`, `/dev/stderr`) are written in place: renaming over them would
// put a regular file where the device was, breaking it for every later step of a CI job. A
// symbolic link is followed, so its target is replaced and the link stays. A temporary file is
// removed on every signal that can be caught.
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';

/** A report's text: whole, or in pieces to be written in order. */
export type Text = string | Iterable<string>;

/** Where a text can go besides a file: the process's standard streams. */
export interface WriteStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const PROCESS_STREAMS: WriteStreams = { stdout: process.stdout, stderr: process.stderr };

// Names of the standard streams. /proc/self/fd/N and /dev/fd/N are links the kernel resolves to
// whatever the descriptor is (a pipe, a terminal, a file the shell opened): opening them again
// could truncate that file, so they are the streams themselves.
const STREAM_NAMES: Readonly<Record<string, 'stdout' | 'stderr'>> = {
  '-': 'stdout',
  '/dev/stdout': 'stdout',
  '/dev/fd/1': 'stdout',
  '/proc/self/fd/1': 'stdout',
  '/dev/stderr': 'stderr',
  '/dev/fd/2': 'stderr',
  '/proc/self/fd/2': 'stderr',
};

/** The standard stream a path names (`-`, `/dev/stdout`, `/dev/stderr`, …), if any. */
export function streamNamed(path: string): 'stdout' | 'stderr' | undefined {
  return STREAM_NAMES[path] ?? STREAM_NAMES[resolve(path)];
}

/** Where an output path really goes. */
export type OutputTarget =
  | { readonly kind: 'stream'; readonly stream: 'stdout' | 'stderr' }
  /** A character device or a FIFO, or a descriptor link: opened and written as it is. */
  | { readonly kind: 'in-place'; readonly path: string }
  /** A regular file, or none yet: written beside `path` (the link's target for a link) and renamed over it. */
  | { readonly kind: 'atomic'; readonly path: string };

// Linux's own limit on links followed in one path lookup.
const MAX_LINKS = 40;

/** A path whose kernel links (/proc/<pid>/fd/N, /dev/fd/N) must not be read as paths: readlink gives "pipe:[…]". */
const isDescriptorLink = (path: string) => /^\/(?:proc\/[^/]+|dev)\/fd\/\d+$/.test(path);

/** Follows `path` through symbolic links to what a write would reach, and says how to write it. */
export async function outputTarget(path: string): Promise<OutputTarget> {
  const named = streamNamed(path);
  if (named) return { kind: 'stream', stream: named };
  let current = resolve(path);
  for (let links = 0; ; links++) {
    const stream = streamNamed(current);
    if (stream) return { kind: 'stream', stream };
    if (isDescriptorLink(current)) return { kind: 'in-place', path: current };
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw usageError(`cannot write ${path}: ${error.code ?? error.message}`, 'check the path and its permissions');
    });
    if (!info) return { kind: 'atomic', path: current };
    if (info.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw usageError(`--output ${path}: too many symbolic links (a loop?)`, 'give the path of a file');
      current = resolve(dirname(current), await readlink(current));
      continue;
    }
    if (info.isFile()) return { kind: 'atomic', path: current };
    if (info.isDirectory()) throw usageError(`--output ${path} is a directory`, 'give a file name, e.g. --output report.json');
    if (info.isCharacterDevice() || info.isFIFO()) return { kind: 'in-place', path: current };
    // A disk or a socket: writing a report there would destroy data or cannot work.
    const what = info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : 'not a file';
    throw usageError(`--output ${path} is ${what}`, 'write the report to a file, a character device or a FIFO');
  }
}

/** A file the run reads, and what it is to the user (for the error that refuses to write over it). */
export interface ReadFile {
  readonly path: string;
  readonly role: string;
}

/**
 * Refuses an output that would replace a file the run reads (an input, the config, the
 * baseline, a report being merged), by identity: the same file through another path, a symbolic
 * link or a hard link is the same file. Also refuses directories and missing parent directories.
 */
export async function checkOutputPath(path: string, reads: readonly ReadFile[]): Promise<void> {
  const target = await outputTarget(path);
  if (target.kind === 'stream') return;
  const info = await stat(target.path).catch(() => undefined);
  if (info) {
    for (const read of reads) {
      const other = await stat(read.path).catch(() => undefined);
      if (other && other.dev === info.dev && other.ino === info.ino) {
        throw usageError(`--output ${path} is also ${read.role} ${read.path}; it would be overwritten`, 'write the report to another file');
      }
    }
  }
  if (target.kind === 'in-place') return;
  const parent = await stat(dirname(target.path)).catch(() => undefined);
  if (!parent?.isDirectory()) throw usageError(`--output ${path}: directory ${dirname(path)} does not exist`, 'create it first');
}

/** The files a run reads, by role: never an output (src/cli/write.ts). */
export function filesRead(cwd: string, of: { inputs?: readonly string[]; config?: string; baseline?: string; shards?: readonly string[] }): ReadFile[] {
  return [
    ...(of.inputs ?? []).map((path) => ({ path, role: 'an input file' })),
    ...(of.config !== undefined ? [{ path: resolve(cwd, of.config), role: 'the config file' }] : []),
    ...(of.baseline !== undefined ? [{ path: of.baseline, role: 'the baseline' }] : []),
    ...(of.shards ?? []).map((path) => ({ path, role: 'a report being merged' })),
  ];
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

// ---------------------------------------------------------------------------------------------
// Temporary files are removed on every signal that can be caught, and on exit: an interrupted
// run leaves neither half a report nor a hidden file beside it. (SIGKILL cannot be caught.)

const temporaryFiles = new Set<string>();
// Not SIGPIPE: Node ignores it (a closed pipe is an EPIPE error), so raising it again would not end the run.
const CAUGHT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGBREAK'];

function removeTemporaryFiles(): void {
  for (const temp of temporaryFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  temporaryFiles.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeTemporaryFiles();
  releaseSignals();
  // Die of the same signal, as the run would have without us (exit status 128 + its number).
  process.kill(process.pid, signal);
}

function holdSignals(): void {
  if (temporaryFiles.size > 0) return;
  for (const signal of CAUGHT_SIGNALS) {
    try {
      process.on(signal, onSignal);
    } catch {
      // not a signal on this platform (SIGBREAK outside Windows)
    }
  }
  process.on('exit', removeTemporaryFiles);
}

function releaseSignals(): void {
  for (const signal of CAUGHT_SIGNALS) process.off(signal, onSignal);
  process.off('exit', removeTemporaryFiles);
}

function trackTemporary(path: string): void {
  holdSignals();
  temporaryFiles.add(path);
}

function untrackTemporary(path: string): void {
  temporaryFiles.delete(path);
  if (temporaryFiles.size === 0) releaseSignals();
}

// ---------------------------------------------------------------------------------------------

const cannotWrite = (path: string, error: unknown) =>
  usageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'check the path and its permissions');

/** Writes every batch of the text to an open file, naming `path` in a failure to write. */
async function writeAll(handle: import('node:fs/promises').FileHandle, path: string, text: Text): Promise<void> {
  for (const batch of writeBatches(text)) {
    const bytes = Buffer.from(batch, 'utf8');
    for (let done = 0; done < bytes.length; ) {
      done += (await handle.write(bytes, done).catch((error: unknown) => {
        throw cannotWrite(path, error);
      })).bytesWritten;
    }
  }
}

/** A file written beside its target: commit() puts it in place, discard() removes it. */
interface StagedFile {
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Writes the text to a temporary file beside `target` (the real path, links followed). A
 * failure to write is a usage error naming `shown`; a failure to produce the text (a
 * renderer's) propagates as it is. Either way the temporary file is removed.
 */
async function stageFile(target: string, shown: string, text: Text): Promise<StagedFile> {
  const temp = join(dirname(target), `.${basename(target)}.sg-audit-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  trackTemporary(temp);
  const discard = async () => {
    await unlink(temp).catch(() => undefined);
    untrackTemporary(temp);
  };
  const handle = await open(temp, 'wx').catch(async (error: unknown) => {
    untrackTemporary(temp);
    throw cannotWrite(shown, error);
  });
  try {
    await writeAll(handle, shown, text);
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await discard();
    throw error;
  }
  return {
    commit: () =>
      rename(temp, target).then(
        () => untrackTemporary(temp),
        async (error: unknown) => {
          await discard();
          throw cannotWrite(shown, error);
        },
      ),
    discard,
  };
}

/** Writes a device, a FIFO or a descriptor link where it is (opening a FIFO waits for its reader). */
async function writeInPlace(path: string, shown: string, text: Text): Promise<void> {
  const handle = await open(path, 'w').catch((error: unknown) => {
    throw cannotWrite(shown, error);
  });
  try {
    await writeAll(handle, shown, text);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export async function writeFileAtomic(path: string, content: Text, streams: WriteStreams = PROCESS_STREAMS): Promise<void> {
  await writeFilesAtomic([{ path, text: content }], streams);
}

/**
 * Several files, all or none: each regular file is written beside its target, then the texts
 * for devices, FIFOs and streams are written, and the files are put in place only once every one
 * is complete, so a failure leaves no mix of old and new files.
 */
export async function writeFilesAtomic(
  files: readonly { readonly path: string; readonly text: Text }[],
  streams: WriteStreams = PROCESS_STREAMS,
): Promise<void> {
  const targets = [];
  for (const file of files) targets.push({ ...file, target: await outputTarget(file.path) });
  const staged: StagedFile[] = [];
  try {
    for (const { path, text, target } of targets) if (target.kind === 'atomic') staged.push(await stageFile(target.path, path, text));
    for (const { path, text, target } of targets) {
      if (target.kind === 'stream') writeText(streams[target.stream], text);
      else if (target.kind === 'in-place') await writeInPlace(target.path, path, text);
    }
  } catch (error) {
    for (const file of staged) await file.discard();
    throw error;
  }
  for (const file of staged) await file.commit();
}
