// Saved CloudTrail events: `aws cloudtrail lookup-events` output ({"Events": [...]}, each with its
// record as the CloudTrailEvent string) and CloudTrail log files as a trail delivers them to S3
// ({"Records": [...]}, usually gzipped: AccountID_CloudTrail_Region_YYYYMMDDTHHmmZ_x.json.gz).
// Files or directories (searched for .json and .json.gz); digest files are skipped. The accounts
// and regions the data covers come from the records (every record, not only the calls read) and
// from log file names, so a change in a region the files do not cover says so.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { inputError } from '../errors.js';
import type { Where } from './attribute.js';
import { isoTime, readRecord, uniqueEvents, type TrailEvent } from './events.js';

export interface TrailData {
  readonly events: readonly TrailEvent[];
  readonly inputs: readonly string[];
  readonly covered: readonly Where[];
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const HINT = 'give `aws cloudtrail lookup-events --output json` output, or CloudTrail log files (*.json.gz with Records) as the trail delivers them';

/** 123456789012_CloudTrail_us-east-1_20260101T0915Z_abc.json.gz → the account and region it covers. */
function coveredByName(path: string): Where | undefined {
  const m = /^(\d{12})_CloudTrail_([a-z]{2}(?:-[a-z]+)+-\d+)_\d{8}T\d{4}Z/.exec(basename(path));
  return m ? { accountId: m[1] as string, region: m[2] as string } : undefined;
}

async function listFiles(path: string, explicit: boolean): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw inputError(`cannot read --cloudtrail ${path}: no such file or directory`, 'check the path');
  if (info.isFile()) return [path];
  if (!info.isDirectory()) throw inputError(`--cloudtrail ${path} is not a file or directory`, HINT);
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(child, false)));
    else if (entry.isFile() && /\.json(\.gz)?$/.test(entry.name)) files.push(child);
  }
  if (explicit && files.length === 0) throw inputError(`--cloudtrail ${path} holds no .json or .json.gz files`, HINT);
  return files;
}

async function readJson(path: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw inputError(`cannot read --cloudtrail ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`, 'check the file and its permissions');
  }
  // Gzip by its magic bytes, whatever the name says.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw inputError(`--cloudtrail ${path} is not a valid gzip file (${(error as Error).message})`, 'download the log file again');
    }
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw inputError(`--cloudtrail ${path} is not valid JSON (${(error as Error).message})`, HINT);
  }
}

type Read = { events: TrailEvent[]; covered: Where[] } | { skipped: string };

function readFileData(path: string, data: unknown): Read {
  if (isObject(data) && Array.isArray(data['Records'])) {
    const records = data['Records'];
    const covered = records.filter(isObject).map((r) => ({ accountId: typeof r['recipientAccountId'] === 'string' ? r['recipientAccountId'] : '', region: String(r['awsRegion'] ?? '') }));
    const byName = coveredByName(path);
    return { events: records.map((r) => readRecord(r)).filter((e): e is TrailEvent => e !== undefined), covered: [...covered, ...(byName ? [byName] : [])] };
  }
  if (isObject(data) && Array.isArray(data['Events'])) {
    if (typeof data['NextToken'] === 'string' && data['NextToken'] !== '') {
      throw inputError(
        `--cloudtrail ${path} holds only the first page of LookupEvents (it has a NextToken)`,
        'save it again without --max-items, so the AWS CLI fetches every page',
      );
    }
    const events: TrailEvent[] = [];
    const covered: Where[] = [];
    data['Events'].forEach((item, i) => {
      if (!isObject(item)) return;
      const raw = item['CloudTrailEvent'];
      let record: unknown;
      try {
        record = typeof raw === 'string' ? JSON.parse(raw) : raw;
      } catch {
        throw inputError(`--cloudtrail ${path}: Events[${i}].CloudTrailEvent is not valid JSON`, 'save the lookup-events output unmodified');
      }
      if (isObject(record)) covered.push({ accountId: typeof record['recipientAccountId'] === 'string' ? record['recipientAccountId'] : '', region: String(record['awsRegion'] ?? '') });
      const eventTime = isoTime(item['EventTime']);
      const eventId = typeof item['EventId'] === 'string' ? item['EventId'] : undefined;
      const event = readRecord(record, { ...(eventTime ? { eventTime } : {}), ...(eventId ? { eventId } : {}) });
      if (event) events.push(event);
    });
    return { events, covered };
  }
  if (isObject(data) && ('digestStartTime' in data || 'digestEndTime' in data)) return { skipped: 'a CloudTrail digest file' };
  return { skipped: isObject(data) ? `top-level key ${Object.keys(data).slice(0, 3).join(', ') || '(none)'}` : 'not an object' };
}

export async function loadTrailFiles(paths: readonly string[]): Promise<TrailData> {
  const events: TrailEvent[] = [];
  const covered = new Map<string, Where>();
  const inputs: string[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    const explicit = (await stat(path).catch(() => undefined))?.isFile() ?? false;
    for (const file of await listFiles(path, true)) {
      const read = readFileData(file, await readJson(file));
      if ('skipped' in read) {
        if (read.skipped === 'a CloudTrail digest file') continue;
        if (explicit) throw inputError(`--cloudtrail ${file} is not CloudTrail events (${read.skipped})`, HINT);
        warnings.push(`skipped ${file}: not CloudTrail events (${read.skipped})`);
        continue;
      }
      inputs.push(file);
      events.push(...read.events);
      for (const w of read.covered) if (w.region) covered.set(`${w.accountId}/${w.region}`, w);
    }
  }
  return { events: uniqueEvents(events), inputs, covered: [...covered.values()], warnings };
}
