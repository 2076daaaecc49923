// --shard K/N (src/collect/shard.ts): the split of account × region pairs is a partition, balanced
// within one, independent of input order, and moves at most r other pairs across each cut when
// an account of r pairs comes or goes (the guarantee docs/accounts.md states); the flag and its
// auto/N form read from the schedulers' 0-based index variables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignShards, digestOf, parseShard, planOf, selectShard, type Pair } from '../../src/collect/shard.js';
import { SgAuditError } from '../../src/errors.js';

const REGIONS = [
  'af-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1',
  'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/** A small seeded generator (mulberry32), so every run tests the same organisations. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const accountId = (rand: () => number) => String(Math.floor(rand() * 1e12)).padStart(12, '0');

/** An account's pairs: `count` regions (at random unless given). */
function accountPairs(rand: () => number, account: string, count = 1 + Math.floor(rand() * REGIONS.length)): Pair[] {
  const regions = [...REGIONS].sort(() => rand() - 0.5).slice(0, count);
  return regions.map((region) => ({ account, region }));
}

function organisation(seed: number, accounts: number): Pair[] {
  const rand = random(seed);
  return Array.from({ length: accounts }, () => accountPairs(rand, accountId(rand))).flat();
}

const key = (p: Pair) => `${p.account}/${p.region}`;

function sizes(assigned: Map<string, number>, total: number): number[] {
  const counts = new Array<number>(total).fill(0);
  for (const shard of assigned.values()) counts[shard - 1] = (counts[shard - 1] ?? 0) + 1;
  return counts;
}

describe('the split: a partition of the pairs, balanced within one', () => {
  test('for N from 1 to 8 and 0 to 2,000 pairs: each pair in one shard of 1..N, every shard floor or ceil of P/N', () => {
    for (const accounts of [0, 1, 3, 10, 40, 200]) {
      const pairs = organisation(accounts + 1, accounts);
      const p = new Set(pairs.map(key)).size;
      for (let total = 1; total <= 8; total++) {
        const assigned = assignShards(pairs, total);
        assert.equal(assigned.size, p);
        assert.ok([...assigned.values()].every((k) => Number.isInteger(k) && k >= 1 && k <= total));
        const counts = sizes(assigned, total);
        assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${p} pairs in ${total}: ${counts.join(' ')}`);
        assert.ok(counts.every((c) => c === Math.floor(p / total) || c === Math.ceil(p / total)));
        // The shards taken one by one hold exactly the pairs, each once.
        const held = Array.from({ length: total }, (_, i) => selectShard(pairs, { index: i + 1, total }).held.map(key)).flat();
        assert.deepEqual([...held].sort(), [...new Set(pairs.map(key))].sort());
      }
    }
  });

  test('small runs are exactly balanced too: 20 pairs in 5 shards are 4 each, 7 pairs in 3 are 3, 2, 2 or a permutation', () => {
    assert.deepEqual(sizes(assignShards(organisation(7, 20).slice(0, 20), 5), 5), [4, 4, 4, 4, 4]);
    assert.deepEqual(sizes(assignShards(organisation(8, 20).slice(0, 7), 3), 3).sort(), [2, 2, 3]);
  });

  test('the order the accounts and regions come in does not matter, and a pair given twice counts once', () => {
    const pairs = organisation(42, 30);
    const shuffled = [...pairs].sort(() => random(1)() - 0.5).reverse();
    const doubled = [...pairs, ...pairs.slice(0, 10)];
    for (const total of [2, 3, 5]) {
      assert.deepEqual([...assignShards(shuffled, total)].sort(), [...assignShards(pairs, total)].sort());
      assert.deepEqual([...assignShards(doubled, total)].sort(), [...assignShards(pairs, total)].sort());
      const { held } = selectShard(doubled, { index: 2, total });
      assert.equal(new Set(held.map(key)).size, held.length, 'each held pair once');
    }
    assert.deepEqual(planOf(shuffled), planOf(pairs));
    assert.deepEqual(planOf(doubled), planOf(pairs));
  });

  test('a shard holds its pairs in the order given (the order collection works in)', () => {
    const pairs = organisation(5, 12);
    const { held } = selectShard(pairs, { index: 1, total: 3 });
    const positions = held.map((p) => pairs.findIndex((q) => key(q) === key(p)));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  });

  test('the plan names every pair: one more, one less or another region gives another digest; the count is the unique pairs', () => {
    const pairs = organisation(9, 10);
    const plan = planOf(pairs);
    assert.equal(plan.pairs, new Set(pairs.map(key)).size);
    assert.match(plan.digest, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(planOf([...pairs, { account: '000000000001', region: 'us-east-1' }]).digest, plan.digest);
    assert.notEqual(planOf(pairs.slice(1)).digest, plan.digest);
    const moved = pairs.map((p, i) => (i === 0 ? { ...p, region: p.region === 'us-east-1' ? 'us-east-2' : 'us-east-1' } : p));
    assert.notEqual(planOf(moved).digest, plan.digest);
  });
});

/**
 * How the other pairs move when `added` joins `pairs`: per cut k (between shards k and k+1), how
 * many old pairs crossed it, and by how many shards each moved pair went.
 */
function movement(pairs: readonly Pair[], added: readonly Pair[], total: number): { crossings: number[]; steps: number[] } {
  const before = assignShards(pairs, total);
  const after = assignShards([...pairs, ...added], total);
  const crossings = new Array<number>(total - 1).fill(0);
  const steps: number[] = [];
  for (const [k, from] of before) {
    const to = after.get(k) as number;
    if (to === from) continue;
    steps.push(Math.abs(to - from));
    for (let cut = Math.min(from, to); cut < Math.max(from, to); cut++) crossings[cut - 1] = (crossings[cut - 1] ?? 0) + 1;
  }
  return { crossings, steps };
}

describe('stability: a pair is placed by its hash, so an account that comes or goes moves few others', () => {
  test('adding an account of r pairs moves at most r other pairs across each cut, each to a neighbouring shard', () => {
    let trials = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const rand = random(seed * 7919);
      const pairs = organisation(seed, 20 + Math.floor(rand() * 40));
      const added = accountPairs(rand, accountId(rand));
      const r = added.length;
      for (let total = 2; total <= 6; total++) {
        const { crossings, steps } = movement(pairs, added, total);
        assert.ok(crossings.every((c) => c <= r), `seed ${seed}, N ${total}, r ${r}: ${crossings.join(' ')}`);
        if (r < Math.floor(pairs.length / total)) assert.ok(steps.every((s) => s === 1), `seed ${seed}, N ${total}: steps ${steps.join(' ')}`);
        // Removing it again is the same move backwards: the old split comes back exactly.
        const back = assignShards(pairs, total);
        const again = assignShards([...pairs, ...added].filter((p) => !added.includes(p)), total);
        assert.deepEqual([...again].sort(), [...back].sort());
        trials++;
      }
    }
    assert.equal(trials, 125);
  });

  test('removing an account of r pairs moves at most r of the others across each cut', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const pairs = organisation(seed + 100, 30);
      const gone = pairs[0]?.account;
      const removed = pairs.filter((p) => p.account === gone);
      const rest = pairs.filter((p) => p.account !== gone);
      for (let total = 2; total <= 5; total++) {
        // Removing is adding read backwards: from `pairs` to `rest`, the pairs of `rest` move as they would the other way.
        const { crossings } = movement(rest, removed, total);
        assert.ok(crossings.every((c) => c <= removed.length));
      }
    }
  });

  test('an organisation of 1,000 accounts × 17 regions in 10 shards: one more account moves a few dozen of 17,000 pairs at most', () => {
    const rand = random(2024);
    const pairs = Array.from({ length: 1000 }, () => accountPairs(rand, accountId(rand), 17)).flat();
    const added = accountPairs(rand, accountId(rand), 17);
    const { crossings, steps } = movement(pairs, added, 10);
    const moved = steps.length;
    assert.ok(crossings.every((c) => c <= 17));
    assert.ok(moved <= 9 * 17, `${moved} moved`);
    assert.ok(steps.every((s) => s === 1));
    // A split by position (the account's place in the sorted list, dealt in turn) would move most pairs.
    assert.ok(moved < pairs.length / 100, `${moved} of ${pairs.length} moved`);
  });

  test('the account × region pair is hashed, not the account: an account\'s regions spread over the shards', () => {
    const rand = random(77);
    const pairs = Array.from({ length: 10 }, () => accountPairs(rand, accountId(rand), 17)).flat();
    const assigned = assignShards(pairs, 4);
    const account = pairs[0]?.account;
    const shardsOfAccount = new Set(pairs.filter((p) => p.account === account).map((p) => assigned.get(key(p))));
    assert.ok(shardsOfAccount.size > 1);
  });
});

describe('--shard K/N and auto/N', () => {
  const usage = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof SgAuditError && e.exitCode === 2 && pattern.test(e.message) && !e.message.includes('\n'));

  test('K/N is 1-based; a bad value is a usage error naming it', () => {
    assert.deepEqual(parseShard('2/5', {}), { index: 2, total: 5 });
    assert.deepEqual(parseShard('1/1', {}), { index: 1, total: 1 });
    usage(() => parseShard('0/5', {}), /--shard 0\/5: K counts from 1 to 5/);
    usage(() => parseShard('6/5', {}), /K counts from 1 to 5/);
    usage(() => parseShard('1/0', {}), /N must be at least 1/);
    usage(() => parseShard('2', {}), /--shard 2 is not K\/N/);
    usage(() => parseShard('a/b', {}), /is not K\/N/);
    usage(() => parseShard('-1/3', {}), /is not K\/N/);
  });

  test('auto/N: JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch), 0-based, is shard index + 1', () => {
    assert.equal(parseShard('auto/3', { JOB_COMPLETION_INDEX: '0' }).index, 1);
    assert.equal(parseShard('auto/3', { JOB_COMPLETION_INDEX: '2' }).index, 3);
    assert.equal(parseShard('auto/4', { AWS_BATCH_JOB_ARRAY_INDEX: '1' }).index, 2);
    assert.equal(parseShard('auto/4', { AWS_BATCH_JOB_ARRAY_INDEX: '3', JOB_COMPLETION_INDEX: '3' }).index, 4);
  });

  test('auto/N without either variable, with one out of range, or with both disagreeing: a one-line usage error', () => {
    usage(() => parseShard('auto/3', {}), /--shard auto\/3 found neither JOB_COMPLETION_INDEX .* nor AWS_BATCH_JOB_ARRAY_INDEX/);
    usage(() => parseShard('auto/3', { JOB_COMPLETION_INDEX: '' }), /found neither/);
    usage(() => parseShard('auto/3', { JOB_COMPLETION_INDEX: '3' }), /JOB_COMPLETION_INDEX=3 is not a shard of --shard auto\/3 \(it counts from 0 to 2\)/);
    usage(() => parseShard('auto/3', { AWS_BATCH_JOB_ARRAY_INDEX: 'x' }), /AWS_BATCH_JOB_ARRAY_INDEX=x is not a shard/);
    usage(() => parseShard('auto/3', { AWS_BATCH_JOB_ARRAY_INDEX: '1', JOB_COMPLETION_INDEX: '2' }), /disagree/);
  });

  test('the run: SG_AUDIT_RUN_ID, else the AWS Batch array job an array child belongs to', () => {
    assert.equal(parseShard('1/2', { SG_AUDIT_RUN_ID: ' 8c1f-uid ' }).run, '8c1f-uid');
    assert.equal(parseShard('auto/2', { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ID: 'f00d-1234:1' }).run, 'f00d-1234');
    assert.equal(parseShard('auto/2', { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ID: 'f00d-1234:1', SG_AUDIT_RUN_ID: 'mine' }).run, 'mine');
    assert.equal(parseShard('1/2', { AWS_BATCH_JOB_ID: 'plain-job' }).run, undefined);
    assert.equal('run' in parseShard('1/2', {}), false);
  });
});

describe('digests of settings', () => {
  test('canonical: the order of object keys does not matter, values do', () => {
    assert.equal(digestOf({ a: 1, b: { c: [1, 2], d: 'x' } }), digestOf({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    assert.notEqual(digestOf({ a: 1, b: { c: [2, 1] } }), digestOf({ a: 1, b: { c: [1, 2] } }));
    assert.match(digestOf([]), /^sha256:[0-9a-f]{64}$/);
  });
});
