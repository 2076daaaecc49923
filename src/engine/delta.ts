// What a change does to the findings: two sides audited in the same run (a plan's prior state and
// its planned values; the account and the account with a template applied) compared by
// fingerprint. Unlike a baseline read from an earlier report, both sides were checked by the same
// rules in the same places, so what the before side has and the after side does not is fixed.
// Pure; shared by every command that compares two sides.
import type { ResourceRef } from '../model/types.js';
import { severityRank, type Severity } from '../rules-kit/types.js';
import type { BaselineFinding, BaselineReport, BaselineResult, BaselineStatus } from './baseline.js';
import type { SuppressedFinding } from './suppress.js';

interface Fingerprinted {
  readonly fingerprint: string;
}

/** What the delta reads of a finding: its identity, and what it is about. */
export interface Comparable extends Fingerprinted {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly key: string;
  readonly resource: Pick<ResourceRef, 'id' | 'accountId' | 'region' | 'address'>;
}

export interface FindingDelta<A extends Comparable, B extends Comparable> {
  /** After-side findings the before side does not have: what the change brings. */
  readonly added: readonly A[];
  /**
   * After-side findings the before side has too, or has wider: the same rule on the same resource,
   * about a subset of the same ports, sources or families, no more severe (a change that closes
   * tcp 22 of an interface open on 22 and 5432 adds nothing).
   */
  readonly unchanged: readonly A[];
  /** Before-side findings the after side no longer has, not even narrowed: what the change fixes. */
  readonly fixed: readonly B[];
}

const where = (f: Comparable) => `${f.ruleId}\n${f.resource.accountId}\n${f.resource.region}\n${f.resource.address ?? f.resource.id}`;
// A rule's key lists what is wrong, comma-separated (tcp/22@ipv4,tcp/5432@ipv4).
const atoms = (key: string) => new Set(key.split(','));

/** The findings of two sides of a change, compared by fingerprint, then by what they are about (a finding listed twice counts once). */
export function findingDelta<A extends Comparable, B extends Comparable>(before: readonly B[], after: readonly A[]): FindingDelta<A, B> {
  const had = new Set(before.map((f) => f.fingerprint));
  const has = new Set(after.map((f) => f.fingerprint));
  const beforeAt = new Map<string, B[]>();
  for (const f of before) beforeAt.set(where(f), [...(beforeAt.get(where(f)) ?? []), f]);
  const kept = new Set<B>();
  const added: A[] = [];
  const unchanged: A[] = [];
  for (const f of after) {
    if (had.has(f.fingerprint)) {
      unchanged.push(f);
      continue;
    }
    const mine = atoms(f.key);
    const wider = (beforeAt.get(where(f)) ?? []).find((b) => severityRank(b.severity) >= severityRank(f.severity) && [...mine].every((a) => atoms(b.key).has(a)));
    if (wider) {
      kept.add(wider);
      unchanged.push(f);
    } else added.push(f);
  }
  const seen = new Set<string>();
  const fixed = before.filter((f) => !has.has(f.fingerprint) && !kept.has(f) && !seen.has(f.fingerprint) && Boolean(seen.add(f.fingerprint)));
  return { added, unchanged, fixed };
}

/** What a fixed finding keeps: what a baseline keeps of an earlier report's. */
interface BeforeFinding extends Comparable {
  readonly title: string;
  readonly message: string;
  readonly resource: ResourceRef;
  readonly context?: BaselineFinding['context'];
}

/**
 * The after side's findings marked as a baseline marks them (new or unchanged), with the before
 * side as the baseline: the gate then fails only on what the change adds, and every report shows
 * the change as it shows a baseline (new first, the fixed listed). `label` names the before side.
 */
export function deltaAsBaseline<F extends SuppressedFinding & Comparable>(after: readonly F[], before: readonly BeforeFinding[], label: string): BaselineResult<F> {
  const delta = findingDelta(before, after);
  const added = new Set<F>(delta.added);
  const findings = after.map((f) => ({ ...f, baseline: (added.has(f) ? 'new' : 'unchanged') as BaselineStatus }));
  const report: BaselineReport = {
    file: label,
    new: delta.added.length,
    unchanged: delta.unchanged.length,
    fixed: delta.fixed.length,
    notRechecked: 0,
    fixedFindings: delta.fixed.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      title: f.title,
      message: f.message,
      resource: f.resource,
      fingerprint: f.fingerprint,
      ...(f.context ? { context: f.context } : {}),
    })),
  };
  return { findings, report };
}
