// A large report for the HTML report's scale tests and scripts/bench/html.mjs: `resources`
// resources with `findings` findings in all, made of the real findings of a small report (the demo
// account's): each new resource copies one of its resources, with every AWS id and public address
// in its findings scrambled (in the messages, commands, ARNs and evidence alike) and a numbered
// name, and that resource's findings repeated until its share of the findings is reached. Every rule, severity, evidence shape and hostile
// string of the small report is there at scale. Deterministic.
import type { Severity } from '../../src/rules-kit/types.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';

export interface LargeReportOptions {
  readonly resources: number;
  readonly findings: number;
}

// The AWS ids in a finding's text (groups, rules, interfaces, instances, VPCs, …), and IPv4 addresses.
const AWS_ID = /\b(sg|sgr|eni|i|vpc|subnet|acl|rtb|igw|eigw|pl|pcx|nat)-[0-9a-f]{8,17}\b/g;
const IPV4 = /\b(?!0\.0\.0\.0\b)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;

/** 32-bit FNV-1a: a deterministic scramble. */
function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * The id of copy `n` of an id: same prefix and length, digits scrambled, so that copies are as
 * different from each other as a real account's ids (and compress as badly).
 */
export function copyId(id: string, n: number): string {
  const dash = id.indexOf('-');
  const length = id.length - dash - 1;
  let digits = '';
  for (let round = 0; digits.length < length; round++) digits += fnv(`${id}#${n}#${round}`).toString(16).padStart(8, '0');
  return `${id.slice(0, dash + 1)}${digits.slice(0, length)}`;
}

/** A copy's text: every id and address in it made that copy's own. */
function copyText(text: string, n: number): string {
  return text
    .replace(AWS_ID, (id) => copyId(id, n))
    .replace(IPV4, (address, a: string) => (a === '10' || a === '172' || a === '192' ? address : `${a}.${fnv(`${address}#${n}`) & 255}.${(fnv(`${address}#${n}`) >>> 8) & 255}.${(fnv(`${address}#${n}`) >>> 16) & 255}`));
}

export function largeReport(small: AuditReport, { resources, findings }: LargeReportOptions): AuditReport {
  const groups = new Map<string, ReportFinding[]>();
  for (const f of small.findings) {
    const key = `${f.resource.type}/${f.resource.id}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const templates = [...groups.values()].map((fs) => fs.map((f) => JSON.stringify(f)));
  const out: ReportFinding[] = [];
  for (let i = 0; i < resources; i++) {
    const template = templates[i % templates.length] as string[];
    const share = Math.floor(((i + 1) * findings) / resources) - Math.floor((i * findings) / resources);
    for (let k = 0; k < share; k++) {
      const f = JSON.parse(copyText(template[k % template.length] as string, i)) as ReportFinding;
      const name = f.resource.name !== undefined && f.resource.name !== f.resource.id ? `${f.resource.name} #${i}` : f.resource.name;
      out.push({ ...f, resource: { ...f.resource, ...(name !== undefined ? { name } : {}) }, fingerprint: `${f.fingerprint.slice(0, 16)}${(i * 64 + k).toString(16).padStart(16, '0')}` });
    }
  }
  const rank: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  out.sort((a, b) => rank[a.severity] - rank[b.severity]);
  const active = out.filter((f) => !f.suppressed);
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of active) bySeverity[f.severity]++;
  const failOn = small.run.failOn === 'none' ? undefined : rank[small.run.failOn];
  return {
    ...small,
    summary: {
      ...small.summary,
      securityGroups: out.filter((f) => f.resource.type === 'security-group').reduce((ids, f) => ids.add(f.resource.id), new Set<string>()).size,
      findings: active.length,
      failing: failOn === undefined ? 0 : active.filter((f) => rank[f.severity] <= failOn).length,
      suppressed: out.length - active.length,
      bySeverity,
    },
    findings: out,
  };
}
