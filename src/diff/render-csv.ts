// The diff as CSV, one row per change (a rule, a group created or deleted, an attachment, a new or
// fixed finding, an interface's reachability), with who made it when CloudTrail data was given:
// the newest matching event, and how many matched. RFC 4180 as the audit's CSV (every field
// quoted through csvField, CRLF, no BOM). Pure.
import type { Attribution } from '../cloudtrail/attribute.js';
import { failingFindings } from '../engine/gate.js';
import { csvField } from '../report/sanitize.js';
import { failingExposure } from './build.js';
import { reachText } from './render-table.js';
import type { DiffReport } from './types.js';

/** The header, in order: treat it like the JSON schema. */
export const DIFF_CSV_COLUMNS = [
  // rule, group, attachment, finding, reachability
  'item',
  // added, removed, modified, recreated, description; created, deleted; gained, lost; new, wider, narrower, fixed; newly, more, less, no-longer
  'change',
  'account',
  'region',
  'resource_id',
  'resource_name',
  // ingress / egress, for rules
  'direction',
  'before',
  'after',
  'rule_id_before',
  'rule_id_after',
  // a finding's severity, or the risk of what an interface newly reaches
  'severity',
  // a finding's rule
  'rule',
  'fails_run',
  // the newest matching CloudTrail event, with --cloudtrail
  'who',
  'when',
  'event',
  'source_ip',
  'user_agent',
  'event_id',
  'events_matched',
] as const;

type Row = Partial<Record<(typeof DIFF_CSV_COLUMNS)[number], string>>;

function who(a: Attribution | undefined): Row {
  if (!a) return {};
  const e = a.events[a.events.length - 1];
  return {
    events_matched: String(a.events.length),
    ...(e ? { who: e.principal, when: e.eventTime, event: e.eventName, source_ip: e.sourceIp ?? '', user_agent: e.userAgent ?? '', event_id: e.eventId } : {}),
  };
}

export function renderDiffCsv(report: DiffReport): string {
  const rows: Row[] = [];
  for (const g of report.groups) {
    const where = { account: g.accountId, region: g.region, resource_id: g.groupId, resource_name: g.name };
    if (g.change !== 'changed') rows.push({ item: 'group', change: g.change, ...where, ...who(g.attribution) });
    for (const r of g.rules) {
      rows.push({
        item: 'rule',
        change: r.change,
        ...where,
        direction: r.direction,
        before: r.before?.text ?? '',
        after: r.after?.text ?? '',
        rule_id_before: r.before?.ruleId ?? '',
        rule_id_after: r.after?.ruleId ?? '',
        ...who(r.attribution),
      });
    }
    for (const a of g.attachments) rows.push({ item: 'attachment', change: a.change, ...where, after: a.change === 'gained' ? a.interfaceId : '', before: a.change === 'lost' ? a.interfaceId : '', ...who(a.attribution) });
  }
  const failingNew = new Set(failingFindings([...report.findings.new, ...report.findings.changed.filter((c) => c.change === 'wider').map((c) => c.after)], report.run.failOn));
  for (const f of report.findings.new) {
    rows.push({ item: 'finding', change: 'new', account: f.resource.accountId, region: f.resource.region, resource_id: f.resource.id, resource_name: f.resource.name, after: f.summary ?? f.message, severity: f.severity, rule: f.ruleId, fails_run: failingNew.has(f) ? 'yes' : 'no', ...who(f.attribution) });
  }
  for (const c of report.findings.changed) {
    const f = c.after;
    rows.push({
      item: 'finding',
      change: c.change,
      account: f.resource.accountId,
      region: f.resource.region,
      resource_id: f.resource.id,
      resource_name: f.resource.name,
      before: c.before.summary ?? c.before.message,
      after: f.summary ?? f.message,
      severity: f.severity,
      rule: f.ruleId,
      fails_run: failingNew.has(f) ? 'yes' : 'no',
      ...who(c.change === 'wider' ? f.attribution : c.before.attribution),
    });
  }
  for (const f of report.findings.fixed) {
    rows.push({ item: 'finding', change: 'fixed', account: f.resource.accountId, region: f.resource.region, resource_id: f.resource.id, resource_name: f.resource.name, before: f.summary ?? f.message, severity: f.severity, rule: f.ruleId, fails_run: 'no', ...who(f.attribution) });
  }
  const failingReach = new Set(failingExposure(report.exposure, report.run.failOn));
  for (const c of report.exposure) {
    rows.push({
      item: 'reachability',
      change: c.change,
      account: c.accountId,
      region: c.region,
      resource_id: c.interfaceId,
      resource_name: [c.instanceId, c.name].filter(Boolean).join(' '),
      before: reachText(c.lost),
      after: reachText(c.gained),
      severity: c.risk,
      fails_run: failingReach.has(c) ? 'yes' : 'no',
      ...who(c.attribution),
    });
  }
  const line = (values: readonly string[]) => `${values.map(csvField).join(',')}\r\n`;
  return [line([...DIFF_CSV_COLUMNS]), ...rows.map((r) => line(DIFF_CSV_COLUMNS.map((c) => r[c] ?? '')))].join('');
}
