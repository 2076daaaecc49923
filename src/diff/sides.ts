// Reading one side of `sg-audit diff`: an sg-audit JSON report (told by its opening
// "schemaVersion", read by the report reader `merge` uses, so every schema it reads works here), or
// anything `--input` takes (a snapshot, describe-* files, a directory of them), read by the
// audit's own loader. A snapshot's collectedAt and a report's run.startedAt say when the side was
// taken; describe-* files do not say.
import { open, readFile, stat } from 'node:fs/promises';
import { loadInputs } from '../collect/files.js';
import type { RawSnapshot } from '../collect/types.js';
import { usageError } from '../errors.js';
import { parseReport } from '../report/merge.js';
import type { AuditReport } from '../report/types.js';

export type LoadedSide =
  | { readonly kind: 'report'; readonly input: string; readonly report: AuditReport; readonly time?: string }
  | { readonly kind: 'snapshot' | 'files'; readonly input: string; readonly snapshot: RawSnapshot; readonly time?: string };

/** The first bytes of a file: enough to tell a report or a snapshot by its leading keys. */
async function head(path: string, bytes = 1024): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

export async function loadSide(path: string, which: 'before' | 'after', regions: readonly string[] = []): Promise<LoadedSide> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw usageError(
      `cannot read the ${which} side ${path}: no such file or directory`,
      'give a snapshot (sg-audit collect), a directory or file of saved describe-* JSON, or a JSON report',
    );
  }
  if (info.isFile()) {
    const start = await head(path);
    // A JSON report opens with its schemaVersion (render-json writes it first).
    if (/^\uFEFF?\s*\{\s*"schemaVersion"\s*:/.test(start)) {
      const report = parseReport(await readFile(path, 'utf8'), path);
      return { kind: 'report', input: path, report, time: report.run.startedAt };
    }
    const collectedAt = /^\uFEFF?\s*\{\s*"sgAuditSnapshot"[\s\S]*?"collectedAt"\s*:\s*"([^"]+)"/.exec(start)?.[1];
    const snapshot = await loadInputs([path], { regions });
    return { kind: collectedAt ? 'snapshot' : 'files', input: path, snapshot, ...(collectedAt ? { time: collectedAt } : {}) };
  }
  const snapshot = await loadInputs([path], { regions });
  return { kind: 'files', input: path, snapshot };
}
