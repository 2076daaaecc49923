// Suppressions from the config file: accepted findings, each with a reason. Nothing is dropped:
// a suppressed finding stays in every report, marked with the reason, and no longer fails the
// run. An expired suppression applies to nothing (its findings count again); one that matches
// no finding is listed, so configs do not rot. Pure: the date comes in.
import { parseCidr, type Cidr } from '../model/net.js';
import { formatPortSpan } from '../rules-kit/port-spec.js';
import type { PortSpan } from '../rules-kit/types.js';
import type { Finding, Outcome } from './evaluate.js';

/** One entry of the config's `suppressions` list, validated (src/config/validate.ts). */
export interface Suppression {
  /** Its position in the config's list, as in `suppressions[2]`. */
  readonly index: number;
  /** An exact rule id. */
  readonly rule: string;
  /** A resource id, ARN, name or (a plan or template) address (see fieldsFor); `*` matches any run of characters. */
  readonly resource: string;
  /** Matches only findings with ports, each inside one of these spans. */
  readonly ports?: readonly PortSpan[];
  /** Matches only findings with sources, each inside this CIDR or equal to this `pl-`/`sg-` id. */
  readonly source?: string;
  readonly account?: string;
  readonly region?: string;
  readonly reason: string;
  readonly owner?: string;
  /** YYYY-MM-DD, inclusive in UTC: the suppression applies through that day. */
  readonly expires?: string;
}

/** How a suppressed finding is marked in the report (DESIGN.md §6). */
export interface SuppressionMark {
  readonly reason: string;
  readonly owner?: string;
  readonly expires?: string;
  /** The index of the suppression that applies (the first that matches, in config order). */
  readonly suppression: number;
}

export type SuppressedFinding = Finding & { readonly suppressed?: SuppressionMark };

/**
 * active: applies (and matched at least one finding); expired: past its date, applies to nothing;
 * unused: its rule ran where it points but it matched no finding (the finding was fixed, or the
 * rule or resource is wrong); not-evaluated: its rule did not run in the audited accounts and
 * regions, so whether it is still needed cannot be told.
 */
export type SuppressionStatus = 'active' | 'expired' | 'unused' | 'not-evaluated';

/** One suppression as the report lists it. */
export interface SuppressionReport {
  readonly index: number;
  readonly rule: string;
  readonly resource: string;
  readonly ports?: readonly string[];
  readonly source?: string;
  readonly account?: string;
  readonly region?: string;
  readonly reason: string;
  readonly owner?: string;
  readonly expires?: string;
  readonly status: SuppressionStatus;
  /** Findings it matches (for an expired one: would match). */
  readonly matched: number;
}

export interface SuppressionResult {
  /** Every finding, in the same order; the suppressed ones carry `suppressed`. */
  readonly findings: readonly SuppressedFinding[];
  readonly suppressions: readonly SuppressionReport[];
  /** One line per expired or unused suppression. */
  readonly warnings: readonly string[];
}

/** The UTC calendar date of an instant, as YYYY-MM-DD. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Expiry is inclusive: a suppression that expires on 2026-12-31 still applies on that day (UTC). */
export function isExpired(suppression: Pick<Suppression, 'expires'>, today: Date): boolean {
  return suppression.expires !== undefined && suppression.expires < utcDate(today);
}

/** `*` is the only wildcard: it matches any run of characters (including none); the rest is literal. */
function wildcardPattern(pattern: string): (text: string) => boolean {
  if (!pattern.includes('*')) return (text) => text === pattern;
  const literal = pattern.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'));
  const regex = new RegExp(`^${literal.join('.*')}$`, 's');
  return (text) => regex.test(text);
}

export function wildcardMatches(pattern: string, text: string): boolean {
  return wildcardPattern(pattern)(text);
}

/** Every port span of the finding lies inside one of the allowed spans of the same protocol. */
function portsCovered(allowed: readonly PortSpan[], ports: readonly PortSpan[] | undefined): boolean {
  if (!ports || ports.length === 0) return false;
  return ports.every((p) => allowed.some((a) => a.protocol === p.protocol && a.from <= p.from && p.to <= a.to));
}

function cidrInside(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

type CidrOf = (text: string) => Cidr | undefined;

/** parseCidr, remembered for one run: the same few sources recur across many findings. */
function memoParseCidr(): CidrOf {
  const parsed = new Map<string, Cidr | undefined>();
  return (text) => {
    if (!parsed.has(text)) parsed.set(text, parseCidr(text));
    return parsed.get(text);
  };
}

/** Every source lies inside the suppression's CIDR, or equals its `pl-`/`sg-` id. */
function sourcesCovered(source: string, outer: Cidr | undefined, sources: readonly string[] | undefined, cidrOf: CidrOf): boolean {
  if (!sources || sources.length === 0) return false;
  return sources.every((s) => {
    if (!outer) return s === source;
    const inner = cidrOf(s);
    return inner !== undefined && cidrInside(outer, inner);
  });
}

/**
 * What a resource pattern is compared with. Names are attacker-controlled (a Name tag can read
 * "vpc-0abc…", a group name can look like an ARN), so a pattern shaped like an ARN is compared
 * with the ARN only, and one shaped like an id with the id only: nobody can name a resource into
 * someone else's suppression. Anything else (a name, `launch-wizard-*`, `*`) is compared with all three.
 */
function fieldsFor(pattern: string, finding: Finding): string[] {
  const { id, arn, name, address } = finding.resource;
  if (pattern.startsWith('arn:')) return [arn];
  if (/^(sg|acl|vpc)-/.test(pattern)) return [id];
  // A plan's or template's resource is also known by its address (module.app.aws_security_group.web).
  return address !== undefined ? [id, arn, name, address] : [id, arn, name];
}

/** A suppression compiled once into a predicate over findings (expiry aside). */
function matcherFor(suppression: Suppression, cidrOf: CidrOf = parseCidr): (finding: Finding) => boolean {
  const resource = wildcardPattern(suppression.resource);
  const outer = suppression.source !== undefined ? parseCidr(suppression.source) : undefined;
  return (finding) => {
    if (suppression.rule !== finding.ruleId) return false;
    if (suppression.account !== undefined && suppression.account !== finding.resource.accountId) return false;
    if (suppression.region !== undefined && suppression.region !== finding.resource.region) return false;
    if (!fieldsFor(suppression.resource, finding).some((text) => text !== '' && resource(text))) return false;
    if (suppression.ports && !portsCovered(suppression.ports, finding.ports)) return false;
    if (suppression.source !== undefined && !sourcesCovered(suppression.source, outer, finding.sources, cidrOf)) return false;
    return true;
  };
}

/** Whether a suppression covers a finding, expiry aside. */
export function suppressionMatches(suppression: Suppression, finding: Finding): boolean {
  return matcherFor(suppression)(finding);
}

/** "ssh-open-to-internet on sg-0abc…": how warnings name a suppression, after its index. */
export function describeSuppression(s: Suppression): string {
  const scope = [s.account, s.region].filter(Boolean).join(' ');
  const ports = s.ports ? ` ${s.ports.map(formatPortSpan).join(',')}` : '';
  const source = s.source !== undefined ? ` from ${s.source}` : '';
  return `suppressions[${s.index}] (${s.rule} on ${s.resource}${ports}${source}${scope ? ` in ${scope}` : ''})`;
}

/**
 * Marks the findings that a suppression covers. `today` decides expiry. `evaluated` (the
 * evaluation's outcomes) tells an unused suppression from one whose rule did not run where it
 * points; without it, every rule counts as run.
 */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  today: Date,
  evaluated?: readonly Outcome[],
): SuppressionResult {
  const matched = suppressions.map(() => 0);
  const expired = suppressions.map((s) => isExpired(s, today));
  const cidrOf = memoParseCidr();
  const matchers = suppressions.map((s) => matcherFor(s, cidrOf));
  const annotated = findings.map((finding): SuppressedFinding => {
    let mark: SuppressionMark | undefined;
    suppressions.forEach((s, i) => {
      if (!matchers[i]!(finding)) return;
      matched[i]!++;
      if (mark || expired[i]) return;
      mark = {
        reason: s.reason,
        ...(s.owner !== undefined ? { owner: s.owner } : {}),
        ...(s.expires !== undefined ? { expires: s.expires } : {}),
        suppression: s.index,
      };
    });
    return mark ? { ...finding, suppressed: mark } : finding;
  });

  // Where each rule ran: by rule, rule + account, rule + region and all three (only asked when
  // there are suppressions: without, the outcomes of a large account need not be walked).
  const ranWhere = new Set<string>();
  if (suppressions.length > 0) {
    for (const o of evaluated ?? []) {
      const { accountId, region } = o.resource;
      for (const key of [[o.ruleId], [o.ruleId, accountId], [o.ruleId, '', region], [o.ruleId, accountId, region]]) ranWhere.add(key.join('\u0000'));
    }
  }
  const ran = (s: Suppression) =>
    evaluated === undefined ||
    ranWhere.has((s.account === undefined && s.region === undefined ? [s.rule] : s.region === undefined ? [s.rule, s.account] : [s.rule, s.account ?? '', s.region]).join('\u0000'));

  const warnings: string[] = [];
  const reports = suppressions.map((s, i): SuppressionReport => {
    const count = matched[i] ?? 0;
    const status: SuppressionStatus = expired[i] ? 'expired' : count > 0 ? 'active' : ran(s) ? 'unused' : 'not-evaluated';
    if (status === 'expired') {
      const name = `${describeSuppression(s)} expired on ${s.expires}`;
      warnings.push(
        count > 0
          ? `${name}: its ${count === 1 ? 'finding counts' : `${count} findings count`} again — fix ${count === 1 ? 'it' : 'them'}, or renew the suppression with a new reason and date`
          : ran(s)
            ? `${name} and matches no finding: remove it`
            : `${name}: remove it, or renew it with a new reason and date`,
      );
    } else if (status === 'unused') {
      warnings.push(`${describeSuppression(s)} matched no finding: remove it or fix its rule/resource`);
    }
    return {
      index: s.index,
      rule: s.rule,
      resource: s.resource,
      ...(s.ports ? { ports: s.ports.map(formatPortSpan) } : {}),
      ...(s.source !== undefined ? { source: s.source } : {}),
      ...(s.account !== undefined ? { account: s.account } : {}),
      ...(s.region !== undefined ? { region: s.region } : {}),
      reason: s.reason,
      ...(s.owner !== undefined ? { owner: s.owner } : {}),
      ...(s.expires !== undefined ? { expires: s.expires } : {}),
      status,
      matched: count,
    };
  });
  return { findings: annotated, suppressions: reports, warnings };
}
