// --shard K/N: one of N jobs (a Kubernetes Indexed Job, an AWS Batch array job, a CI matrix)
// collects and audits its part of the run's account × region pairs; `sg-audit merge` joins the
// parts and checks that every one is there. Pure: the CLI hands in the flag and the environment,
// collection hands in the pairs once it has resolved the accounts and regions.
//
// The split: every pair is hashed (SHA-256 of "account/region"), the pairs are sorted by hash,
// and the sorted list is cut into N runs of consecutive pairs, shard K taking the pairs ranked
// floor((K-1)·P/N) up to floor(K·P/N) (P pairs in all). So:
//   - every pair is in exactly one shard, whatever order the accounts and regions came in;
//   - shards hold floor(P/N) or ceil(P/N) pairs: within one of each other;
//   - a pair's place depends on its hash, not on its position in the list: adding (or removing)
//     an account of r pairs moves, at each of the N-1 cuts, at most r of the other pairs across
//     that cut, each to the next or previous shard (when r is smaller than a shard). The other
//     pairs stay where they were.
// A plain hash mod N would move none of the other pairs but is only balanced on average (with
// 20 pairs and 5 shards the largest holds 6 or more four times in five, where 4 would do);
// highest-random-weight hashing is the same. No split can keep both exactly (see docs/accounts.md), so balance wins:
// the slowest shard sets the run's length, and the few pairs that move cost nothing to a run
// that keeps no state between runs.
import { createHash } from 'node:crypto';
import type { ResolvedRule } from '../engine/evaluate.js';
import type { Suppression } from '../engine/suppress.js';
import { usageError } from '../errors.js';

/** Which shard of how many this run is, and the scheduler's run it belongs to (when known). */
export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
  /** The same in every shard of one run (SG_AUDIT_RUN_ID, or an AWS Batch array job's id). */
  readonly run?: string;
}

/** One account × region pair; the account is '' when the caller's own account id is not known. */
export interface Pair {
  readonly account: string;
  readonly region: string;
}

/** Every pair of the run as one shard resolved them: how many, and a digest of the list. */
export interface ShardPlan {
  readonly pairs: number;
  readonly digest: string;
}

/** Named in the plan's digest: shards that split by another scheme never merge as one run. */
const SCHEME = 'sg-audit shard sha256-ranges 1';

const KUBERNETES_INDEX = 'JOB_COMPLETION_INDEX';
const BATCH_INDEX = 'AWS_BATCH_JOB_ARRAY_INDEX';
const SHARD_HINT = 'e.g. --shard 2/5 for the second of five jobs, or --shard auto/5 in a Kubernetes Indexed Job or an AWS Batch array job';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const keyOf = (pair: Pair) => `${pair.account}/${pair.region}`;

/**
 * --shard K/N, or auto/N with K from JOB_COMPLETION_INDEX (Kubernetes) or
 * AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch), both 0-based. The run is SG_AUDIT_RUN_ID, else the
 * array job's id (AWS_BATCH_JOB_ID of a child is "<array job id>:<index>").
 */
export function parseShard(value: string, env: NodeJS.ProcessEnv): ShardSpec {
  const m = /^(auto|\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw usageError(`--shard ${value} is not K/N`, SHARD_HINT);
  const total = Number(m[2]);
  if (!Number.isSafeInteger(total) || total < 1) throw usageError(`--shard ${value}: N must be at least 1`, SHARD_HINT);
  const index = m[1] === 'auto' ? autoIndex(total, env) : Number(m[1]);
  if (index < 1 || index > total) throw usageError(`--shard ${value}: K counts from 1 to ${total}`, SHARD_HINT);
  const run = runOf(env);
  return { index, total, ...(run !== undefined ? { run } : {}) };
}

function autoIndex(total: number, env: NodeJS.ProcessEnv): number {
  const given = [KUBERNETES_INDEX, BATCH_INDEX].filter((name) => (env[name] ?? '') !== '');
  if (given.length === 0) {
    throw usageError(
      `--shard auto/${total} found neither ${KUBERNETES_INDEX} (a Kubernetes Indexed Job) nor ${BATCH_INDEX} (an AWS Batch array job)`,
      `give the shard: --shard K/${total}, K from 1 to ${total}`,
    );
  }
  const values = given.map((name) => env[name] as string);
  if (given.length === 2 && values[0] !== values[1]) {
    throw usageError(`--shard auto/${total}: ${KUBERNETES_INDEX}=${values[0]} and ${BATCH_INDEX}=${values[1]} disagree`, `give the shard: --shard K/${total}`);
  }
  const [name, text] = [given[0] as string, values[0] as string];
  const zeroBased = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(zeroBased < total)) {
    throw usageError(
      `${name}=${text} is not a shard of --shard auto/${total} (it counts from 0 to ${total - 1})`,
      `N must be the Job's completions or the array job's size (${name === KUBERNETES_INDEX ? 'spec.completions' : 'arrayProperties.size'})`,
    );
  }
  return zeroBased + 1;
}

function runOf(env: NodeJS.ProcessEnv): string | undefined {
  const named = env['SG_AUDIT_RUN_ID']?.trim();
  if (named) return named;
  const batch = /^([^:]+):\d+$/.exec(env['AWS_BATCH_JOB_ID'] ?? '');
  return batch ? batch[1] : undefined;
}

/** The pairs once each, sorted by hash (then by name, should two hashes ever be equal). */
function byHash(pairs: readonly Pair[]): Pair[] {
  const unique = new Map<string, { pair: Pair; hash: string }>();
  for (const pair of pairs) {
    const key = keyOf(pair);
    if (!unique.has(key)) unique.set(key, { pair, hash: sha256(key) });
  }
  return [...unique.entries()]
    .sort(([ka, a], [kb, b]) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, { pair }]) => pair);
}

/** Shard 1..total of every pair: the sorted list cut into `total` runs of floor or ceil(P/total). */
export function assignShards(pairs: readonly Pair[], total: number): Map<string, number> {
  const sorted = byHash(pairs);
  const p = sorted.length;
  // Rank r is in the shard K with floor((K-1)·p/total) <= r < floor(K·p/total): K = ceil((r+1)·total/p).
  return new Map(sorted.map((pair, rank) => [keyOf(pair), Math.ceil(((rank + 1) * total) / p)]));
}

/** How one shard's view of the run is recorded: the count and digest of every pair (sorted by name). */
export function planOf(pairs: readonly Pair[]): ShardPlan {
  const keys = [...new Set(pairs.map(keyOf))].sort();
  return { pairs: keys.length, digest: `sha256:${sha256([SCHEME, ...keys].join('\n'))}` };
}

/** The pairs of `shard`, in the order given, and the plan every shard of the run must share. */
export function selectShard<T extends Pair>(pairs: readonly T[], shard: Pick<ShardSpec, 'index' | 'total'>): { held: T[]; plan: ShardPlan } {
  const assigned = assignShards(pairs, shard.total);
  const seen = new Set<string>();
  const held = pairs.filter((pair) => {
    const key = keyOf(pair);
    if (seen.has(key) || assigned.get(key) !== shard.index) return false;
    seen.add(key);
    return true;
  });
  return { held, plan: planOf(pairs) };
}

/** A digest of settings as canonical JSON (object keys sorted), for shards to compare. */
export function digestOf(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
  return `sha256:${sha256(canonical ?? 'undefined')}`;
}

/**
 * What shards of one run must share besides the plan, as digests: the rules as they ran (which,
 * with their severities and options, every catalog rule's options since rules read each other's,
 * and severity in context) and the config's suppressions. --fail-on is left out: merge settles
 * it as for any reports.
 */
export function shardSettings(
  rules: readonly ResolvedRule[],
  catalog: readonly ResolvedRule[],
  suppressions: readonly Suppression[],
  exposureContext: boolean,
): { rules: string; suppressions: string } {
  const plain = (list: readonly ResolvedRule[]) => list.map((r) => ({ id: r.rule.meta.id, severity: r.severity, options: r.options }));
  return {
    rules: digestOf({ rules: plain(rules), catalog: plain(catalog), exposureContext }),
    suppressions: digestOf(suppressions),
  };
}
