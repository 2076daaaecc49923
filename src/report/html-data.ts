// What the HTML report shows of its findings, as compact data: the page carries it packed (JSON,
// gzip, base64), its script draws the findings from it a page at a time, and the renderer draws
// the first page of each list from the same data for readers without JavaScript. At 35k findings
// the markup of every finding would be a 150 MB page that no browser opens; packed, this data is
// a few megabytes.
//
// Compact: records are tuples, not objects (the keys would be a third of the bytes); what repeats
// is written once: a resource's facts (account, region, VPC, what uses it, its instances) once per
// resource, not once per finding; a rule's title and fix once per rule; a suppression's reason
// once; account, region, VPC and permission strings once in a table of strings, referred to by
// index. The evidence loses what the page already shows (the permissions, the attachments) and
// its long lists are cut (the JSON report has them whole).
//
// Safe: every text the account controls is made visible here (forTerminal: control characters,
// escapes and bidi overrides become `\x1b`-style text), so the page's script never sees a raw
// control character and only ever puts this text into text nodes. Pure and deterministic.
import { gunzipSync, gzipSync } from 'node:zlib';
import { compareStrings as cmp } from '../compare.js';
import type { ResourceRef } from '../model/types.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import { usedByText } from './describe.js';
import { forTerminal } from './sanitize.js';
import type { AuditReport, ReportFinding } from './types.js';

/** Findings drawn per page: whole resources, until at least this many findings. */
export const PAGE_FINDINGS = 100;

/** At most this many items of an evidence list, or of a resource's instances and addresses, are shown. */
export const LIST_MAX = 12;

export const RESOURCE_TYPES: readonly ResourceRef['type'][] = ['security-group', 'network-acl', 'vpc', 'network-interface'];

export const RESOURCE_LABEL: Readonly<Record<ResourceRef['type'], string>> = {
  'security-group': 'Security group',
  'network-acl': 'Network ACL',
  vpc: 'VPC',
  'network-interface': 'Network interface',
};

/** An index into PageData.strings; 0 is the empty string (none). */
export type StringRef = number;

/** [direction, protocol, ports, source, description, SG rule id] as the rules put them in evidence. */
export type PermissionRow = readonly [StringRef, StringRef, StringRef, StringRef, StringRef, string];

/**
 * A resource: [type (index in RESOURCE_TYPES), id, name ('' when none or the id), account, region,
 * VPC (0 when none, or a VPC itself), ARN, what uses it, instances (at most LIST_MAX), how many
 * more, public IPs (at most LIST_MAX), how many more].
 */
export type ResourceRecord = readonly [
  type: number,
  id: string,
  name: string,
  account: StringRef,
  region: StringRef,
  vpc: StringRef,
  arn: string,
  usedBy: StringRef,
  instances: readonly string[],
  moreInstances: number,
  publicIps: readonly string[],
  morePublicIps: number,
];

/** [rule id, title, fix]: the rule's text as its findings carry it. */
export type RuleRecord = readonly [id: string, title: string, remediation: string];

/** [reason, owner ('' when none), expires ('' when none), the suppression's index in the config]. */
export type MarkRecord = readonly [reason: string, owner: string, expires: string, suppression: number];

/**
 * A finding: [rule (index in rules), severity (index in SEVERITIES), suppression (1 + index in
 * marks, 0 when not suppressed), new since the baseline (1) or not (0), message, the fix command
 * ('' when none), the permissions at fault, the rest of the evidence (0 when nothing is left)].
 */
export type FindingRecord = readonly [
  rule: number,
  severity: number,
  mark: number,
  isNew: 0 | 1,
  message: string,
  command: string,
  permissions: readonly PermissionRow[],
  evidence: unknown,
];

/** A resource with its findings in one list: [resource (index in resources), findings]. */
export type GroupRecord = readonly [resource: number, findings: readonly FindingRecord[]];

export type ListKey = 'all' | 'new' | 'unchanged';

export interface FindingsList {
  readonly key: ListKey;
  /** Most severe first (see groupByResource). */
  readonly groups: readonly GroupRecord[];
  readonly findings: number;
}

export interface PageData {
  readonly strings: readonly string[];
  readonly rules: readonly RuleRecord[];
  readonly marks: readonly MarkRecord[];
  readonly resources: readonly ResourceRecord[];
  /** Without a baseline one list, all; with one, the new findings, then the unchanged. */
  readonly lists: readonly FindingsList[];
}

/** A baseline file is only checked for what a baseline needs: the rest may be anything. */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

const show = (value: unknown) => forTerminal(asText(value));

/** Text of several lines (a command), each made visible, the line breaks kept. */
const lines = (text: string) => (text.includes('\n') ? text.split('\n').map(forTerminal).join('\n') : forTerminal(text));

/** Interns strings: each distinct one is stored once. */
class StringTable {
  readonly strings: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);
  ref(text: string): StringRef {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(text);
      this.index.set(text, i);
    }
    return i;
  }
}

/** Interns records (tuples of plain values) by their JSON text. */
class RecordTable<T> {
  readonly records: T[] = [];
  private readonly index = new Map<string, number>();
  ref(record: T): number {
    const key = JSON.stringify(record);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.records.length;
      this.records.push(record);
      this.index.set(key, i);
    }
    return i;
  }
}

// ---------------------------------------------------------------------------------------------
// Evidence

const PERMISSION_KEYS = new Set(['direction', 'protocol', 'ports', 'source', 'description', 'ruleId']);

function isPermission(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o['direction'] === 'string' && typeof o['source'] === 'string';
}

/** Every permission-shaped object anywhere in the evidence (attachments aside), once each, in the order found. */
function permissionsIn(evidence: unknown, strings: StringTable): PermissionRow[] {
  const found = new Map<string, PermissionRow>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const o = value as Record<string, unknown>;
    if (isPermission(o)) {
      const texts = [o['direction'], o['protocol'], o['ports'], o['source'], o['description'], o['ruleId']].map(show);
      const key = JSON.stringify(texts);
      if (!found.has(key)) {
        const [direction, protocol, ports, source, description, ruleId] = texts as [string, string, string, string, string, string];
        found.set(key, [strings.ref(direction), strings.ref(protocol), strings.ref(ports), strings.ref(source), strings.ref(description), ruleId]);
      }
      return;
    }
    for (const key of Object.keys(o)) if (key !== 'attachments') visit(o[key], depth + 1);
  };
  visit(evidence, 0);
  return [...found.values()];
}

/**
 * The evidence as the page shows it: without the attachments (the resource's facts show them) and
 * without a `permissions` list the permissions table shows whole; lists cut at LIST_MAX items;
 * every string, keys too, made visible. undefined when nothing is left.
 */
export function evidenceShown(evidence: Readonly<Record<string, unknown>>): unknown {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (key === 'attachments') continue;
    if (key === 'permissions' && Array.isArray(value) && value.every((p) => isPermission(p) && Object.keys(p).every((k) => PERMISSION_KEYS.has(k)))) continue;
    rest[key] = value;
  }
  return Object.keys(rest).length === 0 ? undefined : visible(rest, 0);
}

/** The value with every string made visible and lists cut; the value itself (not a copy) when nothing changes. */
function visible(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return forTerminal(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '…';
  if (Array.isArray(value)) {
    const cut = value.length > LIST_MAX;
    let shown: unknown[] | undefined = cut ? value.slice(0, LIST_MAX) : undefined;
    for (let i = 0; i < Math.min(value.length, LIST_MAX); i++) {
      const item = visible(value[i], depth + 1);
      if (item !== value[i]) (shown ??= value.slice(0, LIST_MAX))[i] = item;
    }
    if (cut) shown?.push(`… and ${value.length - LIST_MAX} more (the JSON report has them all)`);
    return shown ?? value;
  }
  const entries = Object.entries(value);
  const shown = entries.map(([key, item]) => [forTerminal(key), visible(item, depth + 1)] as const);
  return shown.every(([key, item], i) => key === entries[i]?.[0] && item === entries[i]?.[1]) ? value : Object.fromEntries(shown);
}

// ---------------------------------------------------------------------------------------------
// Resources

interface Attachments {
  readonly instances: readonly string[];
  readonly publicIps: readonly string[];
}

function attachmentsOf(findings: readonly ReportFinding[]): Attachments | undefined {
  for (const f of findings) {
    const a = f.evidence['attachments'] as Partial<Record<string, unknown>> | undefined;
    if (typeof a === 'object' && a !== null && typeof a['interfaces'] === 'number') {
      return {
        instances: Array.isArray(a['instances']) ? a['instances'].map(show) : [],
        publicIps: Array.isArray(a['publicIps']) ? a['publicIps'].map(show) : [],
      };
    }
  }
  return undefined;
}

function resourceRecord(r: ResourceRef, findings: readonly ReportFinding[], strings: StringTable): ResourceRecord {
  const attachments = attachmentsOf(findings);
  const instances = attachments?.instances ?? [];
  const publicIps = attachments?.publicIps ?? [];
  const name = r.name && r.name !== r.id ? show(r.name) : '';
  return [
    Math.max(0, RESOURCE_TYPES.indexOf(r.type)),
    show(r.id),
    name,
    strings.ref(show(r.accountId)),
    strings.ref(show(r.region)),
    r.vpcId !== undefined && r.type !== 'vpc' ? strings.ref(show(r.vpcId)) : 0,
    show(r.arn),
    strings.ref(forTerminal(usedByText(findings[0] as ReportFinding))),
    instances.slice(0, LIST_MAX),
    Math.max(0, instances.length - LIST_MAX),
    publicIps.slice(0, LIST_MAX),
    Math.max(0, publicIps.length - LIST_MAX),
  ];
}

interface ResourceGroup {
  readonly resource: ResourceRef;
  readonly key: string;
  readonly findings: ReportFinding[];
}

const resourceKey = (r: ResourceRef) => [r.type, r.accountId, r.region, r.id].join('\n');

/**
 * Findings by resource, in report order within each. Worst unsuppressed severity first (resources
 * with only suppressed findings last), then type, account, region, id.
 */
export function groupByResource(findings: readonly ReportFinding[]): ResourceGroup[] {
  const groups = new Map<string, ResourceGroup>();
  for (const f of findings) {
    const key = resourceKey(f.resource);
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { resource: f.resource, key, findings: [f] });
  }
  const worst = new Map<ResourceGroup, readonly [number, number]>();
  for (const g of groups.values()) {
    let active = 0;
    let suppressed = 0;
    for (const f of g.findings) {
      if (f.suppressed) suppressed = Math.max(suppressed, severityRank(f.severity));
      else active = Math.max(active, severityRank(f.severity));
    }
    worst.set(g, [active, suppressed]);
  }
  const rank = (g: ResourceGroup) => worst.get(g) as readonly [number, number];
  return [...groups.values()].sort(
    (a, b) =>
      rank(b)[0] - rank(a)[0] ||
      rank(b)[1] - rank(a)[1] ||
      RESOURCE_TYPES.indexOf(a.resource.type) - RESOURCE_TYPES.indexOf(b.resource.type) ||
      cmp(a.resource.accountId, b.resource.accountId) ||
      cmp(a.resource.region, b.resource.region) ||
      cmp(a.resource.id, b.resource.id),
  );
}

// ---------------------------------------------------------------------------------------------
// The page's data

export function pageData(report: AuditReport): PageData {
  const strings = new StringTable();
  const rules: RuleRecord[] = [];
  // A rule's text is the same on each of its findings (but need not be): compared, not re-sanitized.
  const rulesById = new Map<string, { readonly title: string; readonly remediation: string; readonly index: number }[]>();
  const ruleRef = (f: ReportFinding): number => {
    let known = rulesById.get(f.ruleId);
    if (!known) rulesById.set(f.ruleId, (known = []));
    const same = known.find((r) => r.title === f.title && r.remediation === f.remediation);
    if (same) return same.index;
    const index = rules.length;
    rules.push([show(f.ruleId), show(f.title), show(f.remediation)]);
    known.push({ title: f.title, remediation: f.remediation, index });
    return index;
  };
  const marks = new RecordTable<MarkRecord>();
  const resources: ResourceRecord[] = [];
  const resourceIndex = new Map<string, number>();

  const findingRecord = (f: ReportFinding): FindingRecord => {
    const m = f.suppressed;
    const evidence = evidenceShown(f.evidence);
    return [
      ruleRef(f),
      Math.max(0, SEVERITIES.indexOf(f.severity)),
      m ? 1 + marks.ref([show(m.reason), m.owner !== undefined ? show(m.owner) : '', m.expires !== undefined ? show(m.expires) : '', m.suppression]) : 0,
      f.baseline === 'new' ? 1 : 0,
      show(f.message),
      f.remediationCommand ? lines(f.remediationCommand) : '',
      permissionsIn(f.evidence, strings),
      evidence === undefined ? 0 : evidence,
    ];
  };

  // A resource's facts come from all its findings (any of them may carry the attachments), even
  // when a baseline splits them over two lists.
  const byResource = groupByResource(report.findings);
  for (const g of byResource) {
    resourceIndex.set(g.key, resources.length);
    resources.push(resourceRecord(g.resource, g.findings, strings));
  }
  const list = (key: ListKey, findings: readonly ReportFinding[]): FindingsList => ({
    key,
    groups: groupByResource(findings).map((g) => [resourceIndex.get(g.key) as number, g.findings.map(findingRecord)] as const),
    findings: findings.length,
  });
  const lists = report.baseline
    ? [
        list('new', report.findings.filter((f) => f.baseline === 'new')),
        list('unchanged', report.findings.filter((f) => f.baseline !== 'new')),
      ]
    : [list('all', report.findings)];
  return { strings: strings.strings, rules, marks: marks.records, resources, lists };
}

/** The groups of a list's first page: whole resources, until at least PAGE_FINDINGS findings. */
export function firstPage(groups: readonly GroupRecord[]): readonly GroupRecord[] {
  let findings = 0;
  let n = 0;
  while (n < groups.length && findings < PAGE_FINDINGS) findings += (groups[n++] as GroupRecord)[1].length;
  return groups.slice(0, n);
}

/** The worst severity of a group's findings. */
export function worstSeverity(group: GroupRecord): Severity {
  let worst = SEVERITIES.length - 1;
  for (const f of group[1]) worst = Math.min(worst, f[1]);
  return SEVERITIES[worst] as Severity;
}

// ---------------------------------------------------------------------------------------------
// Packed into the page

/**
 * The data as the page carries it: JSON, gzipped, in base64 (about a fifteenth of the JSON; the
 * page's script unpacks it with the browser's DecompressionStream). Base64 holds no character that
 * markup could be made of, whatever the strings are.
 */
export function packPageData(data: PageData): string {
  return gzipSync(JSON.stringify(data), { level: 6 }).toString('base64');
}

/** The data back from the page (for tests and tools). */
export function unpackPageData(packed: string): PageData {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as PageData;
}
