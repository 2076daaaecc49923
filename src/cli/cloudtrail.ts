// --cloudtrail at the process edge: saved events read from files, or LookupEvents asked live, into
// one index the attribution reads; and an audit's findings attributed. Loaded only when
// --cloudtrail is given (main.ts imports it dynamically).
import { EventIndex, type Where } from '../cloudtrail/attribute.js';
import type { ExposureEventName, TrailEvent } from '../cloudtrail/events.js';
import { attributeFinding } from '../cloudtrail/findings.js';
import { loadTrailFiles } from '../cloudtrail/files.js';
import { lookupsForFindings } from '../diff/lookups.js';
import type { AuditError } from '../engine/evaluate.js';
import { usageError } from '../errors.js';
import type { AuditModel } from '../model/types.js';
import type { AuditReport } from '../report/types.js';

export interface CloudTrailFlags {
  /** Each --cloudtrail: a file or directory, or '' for a live lookup. */
  readonly cloudtrail?: readonly string[];
  readonly since?: string;
  readonly until?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
}

/** CloudTrail's event history: LookupEvents reaches back this far. */
export const LOOKUP_REACH_DAYS = 90;

/** --since / --until: an ISO 8601 date or time, or a time ago: 90m, 36h, 7d. */
export function parseTime(value: string, flag: string, now: Date): Date {
  const ago = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (ago) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(ago[1]) * unit);
  }
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim()) || Number.isNaN(time)) {
    throw usageError(`${flag} ${value} is not a time`, 'give an ISO 8601 date or time (2026-01-02, 2026-01-02T06:15:00Z) or a time ago (90m, 36h, 7d)');
  }
  return new Date(time);
}

export interface TrailWindow {
  readonly since?: Date;
  readonly until?: Date;
}

export interface CloudTrailData {
  readonly index: EventIndex;
  readonly run: { readonly source: 'lookup' | 'files'; readonly inputs: readonly string[]; readonly since?: string; readonly until?: string; readonly events: number };
  readonly errors: readonly AuditError[];
  readonly warnings: readonly string[];
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** diff's --profile, --role-arn and --external-id ask CloudTrail live: they need a bare --cloudtrail. */
export function checkCloudTrailFlags(flags: CloudTrailFlags): void {
  const live = (flags.cloudtrail ?? []).includes('');
  if (!live && (flags.profile !== undefined || flags.roleArn !== undefined || flags.externalId !== undefined)) {
    throw usageError('--profile, --role-arn and --external-id are for looking CloudTrail up live', 'add --cloudtrail (without a path) to look events up, or drop them');
  }
  if (flags.cloudtrail === undefined && (flags.since !== undefined || flags.until !== undefined)) {
    throw usageError('--since and --until set the window of CloudTrail events', 'add --cloudtrail');
  }
  if (flags.roleArn !== undefined && !/^arn:aws[\w-]*:iam::(\d{12}|\{account\}):role\/[\w+=,.@/-]+$/.test(flags.roleArn)) {
    throw usageError(`--role-arn ${flags.roleArn} is not a role ARN`, 'e.g. arn:aws:iam::{account}:role/SgAudit ({account} stands for each account)');
  }
}

/**
 * The events the attribution reads: saved files, a live lookup of the event names wanted per
 * account × region, or both. A live lookup needs a window start; it is clamped to CloudTrail's
 * 90 days and to now.
 */
export async function readCloudTrail(
  flags: CloudTrailFlags,
  wanted: ReadonlyMap<string, ReadonlySet<ExposureEventName>>,
  window: TrailWindow,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<CloudTrailData> {
  const paths = (flags.cloudtrail ?? []).filter((p) => p !== '');
  const live = (flags.cloudtrail ?? []).includes('');
  const events: TrailEvent[] = [];
  const covered: Where[] = [];
  const errors: AuditError[] = [];
  const warnings: string[] = [];
  const inputs: string[] = [];
  let { since, until } = window;

  if (paths.length > 0) {
    const saved = await loadTrailFiles(paths);
    events.push(...saved.events);
    covered.push(...saved.covered);
    warnings.push(...saved.warnings);
    inputs.push(...saved.inputs);
  }
  if (live) {
    if (since === undefined) {
      throw usageError('a live CloudTrail lookup needs the window\'s start, and the before side does not say when it was taken', 'give --since (2026-01-02T06:15:00Z, or 36h for 36 hours ago)');
    }
    const reach = new Date(now.getTime() - LOOKUP_REACH_DAYS * 86_400_000);
    if (since < reach) {
      warnings.push(`CloudTrail's event history keeps ${LOOKUP_REACH_DAYS} days: events before ${iso(reach)} cannot be looked up (a trail's log files can: pass them to --cloudtrail)`);
      since = reach;
    }
    if (until === undefined || until > now) until = now;
    if (since >= until) {
      throw usageError(
        `the window (to ${iso(until)}) is older than CloudTrail's ${LOOKUP_REACH_DAYS}-day event history: LookupEvents cannot reach it`,
        'pass the trail\'s log files (or saved lookup-events output) to --cloudtrail instead',
      );
    }
    const { lookupEvents } = await import('../cloudtrail/lookup.js');
    const fixedRoleAccount = flags.roleArn && !flags.roleArn.includes('{account}') ? /::(\d{12}):/.exec(flags.roleArn)?.[1] : undefined;
    const targets = new Map<string, { accountId: string; region: string; eventNames: Set<string> }>();
    for (const [key, names] of wanted) {
      const [accountId = '', region = ''] = key.split('/');
      // Without a role per account, the caller's own account answers, once per region.
      const asked = flags.roleArn?.includes('{account}') ? accountId : (fixedRoleAccount ?? '');
      const target = targets.get(`${asked}/${region}`) ?? { accountId: asked, region, eventNames: new Set<string>() };
      for (const name of names) target.eventNames.add(name);
      targets.set(`${asked}/${region}`, target);
    }
    const endpointUrl = env['AWS_ENDPOINT_URL_CLOUDTRAIL'];
    const result = await lookupEvents({
      targets: [...targets.values()].map((t) => ({ ...t, eventNames: [...t.eventNames].sort() })),
      since,
      until,
      ...(flags.profile ? { profile: flags.profile } : {}),
      ...(endpointUrl ? { endpointUrl } : {}),
      ...(flags.roleArn ? { roleArn: flags.roleArn } : {}),
      ...(flags.externalId ? { externalId: flags.externalId } : {}),
    });
    events.push(...result.events);
    covered.push(...result.covered);
    errors.push(...result.errors);
    inputs.push(endpointUrl ? `LookupEvents at ${endpointUrl}` : 'LookupEvents');
  }
  const sinceText = since ? iso(since) : undefined;
  const untilText = until ? iso(until) : undefined;
  const index = new EventIndex(events, { ...(sinceText ? { since: sinceText } : {}), ...(untilText ? { until: untilText } : {}), covered });
  return {
    index,
    run: { source: live ? 'lookup' : 'files', inputs, ...(sinceText ? { since: sinceText } : {}), ...(untilText ? { until: untilText } : {}), events: index.size },
    errors,
    warnings,
  };
}

/**
 * An audit with --cloudtrail: each finding about a security group or an interface names who
 * opened it. Live, the window is --since (default: CloudTrail's 90 days) to --until (now).
 */
export async function attributeAudit(
  report: AuditReport,
  model: AuditModel,
  flags: CloudTrailFlags,
  env: NodeJS.ProcessEnv,
  now: Date,
): Promise<{ report: AuditReport; read: readonly string[] }> {
  const since = flags.since !== undefined ? parseTime(flags.since, '--since', now) : (flags.cloudtrail ?? []).includes('') ? new Date(now.getTime() - LOOKUP_REACH_DAYS * 86_400_000) : undefined;
  const until = flags.until !== undefined ? parseTime(flags.until, '--until', now) : undefined;
  const data = await readCloudTrail(flags, lookupsForFindings(report.findings), { ...(since ? { since } : {}), ...(until ? { until } : {}) }, env, now);
  const findings = report.findings.map((f) => {
    const found = attributeFinding(f, model, data.index);
    return found ? { ...f, attribution: found } : f;
  });
  const errors = [...report.errors, ...data.errors];
  return {
    report: {
      ...report,
      findings,
      errors,
      warnings: [...report.warnings, ...data.warnings],
      summary: { ...report.summary, errors: errors.length, ...(data.errors.length > 0 ? { status: 'incomplete' as const } : {}) },
    },
    // The event files read, which no report may be written over.
    read: data.run.inputs,
  };
}
