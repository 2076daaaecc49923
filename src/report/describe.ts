// Plain-text descriptions of findings that several formats share. Pure and dependency-free, so
// the Markdown and HTML renderers need not load the table's layout library to use them.
import type { Severity } from '../rules-kit/types.js';
import type { Finding, ReportFinding } from './types.js';

/** "High": a severity as a heading or label says it. */
export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** The run's verdict (summary.status) as the reports print it. */
export const STATUS_LABEL = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE' } as const;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

interface AttachmentsEvidence {
  interfaces: number;
  instances: readonly string[];
  publicIps: readonly string[];
}

function isAttachments(value: unknown): value is AttachmentsEvidence {
  return typeof value === 'object' && value !== null && typeof (value as AttachmentsEvidence).interfaces === 'number';
}

/**
 * What the finding's resource is used by: "2 ENIs, 1 instance, public IP" / "unused" for a group
 * ("unknown" when interfaces were not part of the input), "3 subnets" for a network ACL, "4 ENIs"
 * for a VPC.
 */
export function usedByText(finding: Finding): string {
  const { evidence } = finding;
  if (finding.resource.type === 'network-acl') {
    const subnets = evidence['subnets'];
    return Array.isArray(subnets) ? (subnets.length === 0 ? 'no subnet' : plural(subnets.length, 'subnet')) : 'unknown';
  }
  if (finding.resource.type === 'network-interface') {
    const instanceId = evidence['instanceId'];
    return typeof instanceId === 'string' ? `instance ${instanceId}` : typeof evidence['interfaceType'] === 'string' ? evidence['interfaceType'] : 'unknown';
  }
  if (finding.resource.type === 'vpc') {
    const interfaces = evidence['interfaces'];
    return typeof interfaces === 'number' ? plural(interfaces, 'ENI') : 'unknown';
  }
  const a = evidence['attachments'];
  if (!isAttachments(a)) return 'unknown';
  if (a.interfaces === 0) return 'unused';
  const parts = [plural(a.interfaces, 'ENI')];
  if (a.instances.length > 0) parts.push(plural(a.instances.length, 'instance'));
  if (a.publicIps.length > 0) parts.push('public IP');
  return parts.join(', ');
}

/**
 * With --cloudtrail: who opened what a finding reports, in one sentence: the newest event that
 * gave its rules their content (or put its groups on the interface), or that none matched.
 */
export function attributionText(attribution: NonNullable<ReportFinding['attribution']>): string {
  const e = attribution.events[attribution.events.length - 1];
  // Why is in the JSON: for an audit it is nearly always "older than the data".
  if (!e) return 'opened by: no matching CloudTrail event';
  const when = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(e.eventTime) ? `${e.eventTime.slice(0, 10)} ${e.eventTime.slice(11, 16)} UTC` : e.eventTime;
  const others = new Set(attribution.events.map((x) => x.eventId)).size - 1;
  return `opened by ${e.principal}${e.sourceIdentity ? ` (source identity ${e.sourceIdentity})` : ''} ${when} · ${e.eventName}${e.sourceIp ? ` from ${e.sourceIp}` : ''}${others > 0 ? ` (and ${plural(others, 'earlier event')})` : ''}`;
}
