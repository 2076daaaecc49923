// Baselines: a CI gate that fails only on *new* problems. A finding is new when its fingerprint
// (rule, account, region, resource and what is wrong: src/engine/evaluate.ts) is not in an
// earlier report. A baseline finding that is gone counts as fixed only where this run re-checked
// it — its rule ran in that account and region, and not with an error on that resource —
// otherwise an audit of fewer regions or rules would report the rest as fixed. Pure.
import type { ResourceRef } from '../model/types.js';
import type { Severity } from '../rules-kit/types.js';
import type { FindingContext, Outcome } from './evaluate.js';
import type { SuppressedFinding } from './suppress.js';

export type BaselineStatus = 'new' | 'unchanged';

/** What a baseline needs of each earlier finding (a JSON report's findings have it all). */
export interface BaselineFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly resource: ResourceRef;
  readonly fingerprint: string;
  /** Set when exposure context lowered it in that run (the internet could not reach it then). */
  readonly context?: FindingContext;
}

export interface Baseline {
  /** The report file it was read from, as given. */
  readonly file: string;
  /** When that report's run started (its run.startedAt), for the summary line. */
  readonly startedAt?: string;
  readonly findings: readonly BaselineFinding[];
}

export type BaselinedFinding = SuppressedFinding & { readonly baseline?: BaselineStatus };

/** The report's `baseline` section. */
export interface BaselineReport {
  readonly file: string;
  readonly startedAt?: string;
  /** Findings of this run whose fingerprint the baseline does not have (suppressed ones included). */
  readonly new: number;
  /** Findings of this run the baseline already had. */
  readonly unchanged: number;
  /** Baseline findings this run re-checked and no longer found. */
  readonly fixed: number;
  /** Baseline findings this run could not re-check (rule or region not audited, or an error). */
  readonly notRechecked: number;
  /** The fixed findings as the baseline had them, in its order. */
  readonly fixedFindings: readonly BaselineFinding[];
}

export interface BaselineResult<F extends SuppressedFinding> {
  /** Every finding, in the same order, marked `baseline: 'new' | 'unchanged'`. */
  readonly findings: readonly (F & { readonly baseline: BaselineStatus })[];
  readonly report: BaselineReport;
}

const where = (ruleId: string, r: Pick<ResourceRef, 'accountId' | 'region'>) => `${ruleId}\n${r.accountId}\n${r.region}`;

export function compareWithBaseline<F extends SuppressedFinding>(
  findings: readonly F[],
  baseline: Baseline,
  outcomes: readonly Outcome[],
): BaselineResult<F> {
  // The fingerprint leaves exposure context out, so an instance that stops and starts again does
  // not make its groups' findings new. But a finding the baseline accepted only while the internet
  // could not reach it (lowered in context) is new once it can: the risk accepted is not this one.
  const acceptedAsIs = new Set(baseline.findings.filter((f) => f.context === undefined).map((f) => f.fingerprint));
  const acceptedLowered = new Set(baseline.findings.filter((f) => f.context !== undefined).map((f) => f.fingerprint));
  const isKnown = (f: F) => acceptedAsIs.has(f.fingerprint) || (f.context !== undefined && acceptedLowered.has(f.fingerprint));
  const marked = findings.map((f) => ({ ...f, baseline: isKnown(f) ? ('unchanged' as const) : ('new' as const) }));
  const current = new Set(findings.map((f) => f.fingerprint));

  const ran = new Set<string>();
  const failedOn = new Set<string>();
  for (const o of outcomes) {
    if (o.status === 'error') failedOn.add(`${o.ruleId}\n${o.resource.id}`);
    else ran.add(where(o.ruleId, o.resource));
  }
  const fixedFindings: BaselineFinding[] = [];
  let notRechecked = 0;
  // A baseline may list one fingerprint twice (hand-merged reports): count each once.
  const seen = new Set<string>();
  for (const f of baseline.findings) {
    if (current.has(f.fingerprint) || seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    if (ran.has(where(f.ruleId, f.resource)) && !failedOn.has(`${f.ruleId}\n${f.resource.id}`)) fixedFindings.push(f);
    else notRechecked++;
  }
  const unchanged = marked.filter((f) => f.baseline === 'unchanged').length;
  return {
    findings: marked,
    report: {
      file: baseline.file,
      ...(baseline.startedAt !== undefined ? { startedAt: baseline.startedAt } : {}),
      new: marked.length - unchanged,
      unchanged,
      fixed: fixedFindings.length,
      notRechecked,
      fixedFindings: fixedFindings.map(pickBaselineFinding),
    },
  };
}

/** Only the fields a baseline keeps: an earlier report may carry anything else. */
function pickBaselineFinding(f: BaselineFinding): BaselineFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    message: f.message,
    resource: f.resource,
    fingerprint: f.fingerprint,
    ...(f.context ? { context: f.context } : {}),
  };
}
