// CSV for spreadsheets and ticket imports: one row per finding, suppressed ones included (marked,
// with the reason), in the report's order (severity, rule, account, region, resource). RFC 4180:
// a header row, every field quoted, CRLF after every row (the last included). UTF-8 without a
// byte-order mark: a BOM becomes part of the first header name for csv-parse (without its `bom`
// option), Python's csv module, `cut` and most scripts. The cost: Excel, when the file is opened
// by double-click, reads it in the local code page, so non-ASCII text shows garbled; import it
// with Data > From Text/CSV (UTF-8) instead. Pure.
//
// Every cell goes through csvField: control characters become visible escapes (so a cell never
// holds a raw line break), and a cell that a spreadsheet would read as a formula (= + - @ tab CR
// first) gets a leading apostrophe. Group names, descriptions and tags are attacker-controlled.
import { failingFindings } from '../engine/gate.js';
import { formatPortSpan } from '../rules-kit/port-spec.js';
import type { RenderContext } from './formats.js';
import { csvField } from './sanitize.js';
import type { AuditReport, ReportFinding } from './types.js';

/** The header, in order. Renaming or reordering one breaks importers: treat it like the JSON schema. */
export const CSV_COLUMNS = [
  'severity',
  'rule',
  'title',
  'resource_type',
  'resource_id',
  'resource_name',
  'account',
  'region',
  'vpc',
  'message',
  // TCP/UDP spans as suppressions write them: "tcp/22, udp/53, tcp/8000-8080".
  'ports',
  // CIDRs, `pl-` or `sg-` ids, comma-separated.
  'sources',
  'remediation',
  'remediation_command',
  // yes / no
  'suppressed',
  'suppression_reason',
  'suppression_owner',
  'suppression_expires',
  // new / unchanged; empty without --baseline.
  'baseline',
  // yes when the finding fails the run (exit code 1): unsuppressed, new, at or above --fail-on.
  'fails_run',
  'fingerprint',
] as const;

type Column = (typeof CSV_COLUMNS)[number];

function cells(finding: ReportFinding, fails: boolean): Record<Column, string> {
  const r = finding.resource;
  const mark = finding.suppressed;
  return {
    severity: finding.severity,
    rule: finding.ruleId,
    title: finding.title,
    resource_type: r.type,
    resource_id: r.id,
    resource_name: r.name,
    account: r.accountId,
    region: r.region,
    vpc: r.vpcId ?? '',
    message: finding.message,
    ports: (finding.ports ?? []).map(formatPortSpan).join(', '),
    sources: (finding.sources ?? []).join(', '),
    remediation: finding.remediation,
    remediation_command: finding.remediationCommand ?? '',
    suppressed: mark ? 'yes' : 'no',
    suppression_reason: mark?.reason ?? '',
    suppression_owner: mark?.owner ?? '',
    suppression_expires: mark?.expires ?? '',
    baseline: finding.baseline ?? '',
    fails_run: fails ? 'yes' : 'no',
    fingerprint: finding.fingerprint,
  };
}

const row = (values: readonly string[]) => `${values.map(csvField).join(',')}\r\n`;

export function renderCsv(report: AuditReport, ctx: RenderContext): string {
  void ctx;
  const failing = new Set(failingFindings(report.findings, report.run.failOn));
  const rows = report.findings.map((f) => {
    const values = cells(f, failing.has(f));
    return row(CSV_COLUMNS.map((c) => values[c]));
  });
  return row(CSV_COLUMNS) + rows.join('');
}
