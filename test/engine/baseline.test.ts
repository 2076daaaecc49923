// compareWithBaseline: new / unchanged per finding; fixed only where this run re-checked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareWithBaseline, type BaselineFinding } from '../../src/engine/baseline.js';
import type { Finding, Outcome } from '../../src/engine/evaluate.js';
import type { ResourceRef } from '../../src/model/types.js';

const ref = (id: string, region = 'us-east-1'): ResourceRef => ({
  type: 'security-group',
  id,
  name: id,
  arn: `arn:aws:ec2:${region}:111122223333:security-group/${id}`,
  accountId: '111122223333',
  region,
});

const finding = (ruleId: string, id: string, fingerprint: string): Finding => ({
  ruleId,
  severity: 'high',
  title: ruleId,
  message: 'm',
  resource: ref(id),
  evidence: {},
  remediation: 'r',
  key: 'k',
  fingerprint,
});

const earlier = (ruleId: string, id: string, fingerprint: string, region = 'us-east-1'): BaselineFinding => ({
  ruleId,
  severity: 'high',
  title: ruleId,
  message: 'm',
  resource: ref(id, region),
  fingerprint,
});

const outcome = (ruleId: string, id: string, status: Outcome['status']): Outcome => ({ ruleId, resource: ref(id), status });

describe('compareWithBaseline', () => {
  test('marks each finding new or unchanged by fingerprint, keeping order and fields', () => {
    const findings = [finding('ssh', 'sg-1', 'a'), finding('ssh', 'sg-2', 'b')];
    const result = compareWithBaseline(findings, { file: 'b.json', findings: [earlier('ssh', 'sg-1', 'a')] }, [outcome('ssh', 'sg-1', 'fail'), outcome('ssh', 'sg-2', 'fail')]);
    assert.deepEqual(
      result.findings.map((f) => [f.resource.id, f.baseline, f.fingerprint]),
      [
        ['sg-1', 'unchanged', 'a'],
        ['sg-2', 'new', 'b'],
      ],
    );
    assert.deepEqual([result.report.new, result.report.unchanged, result.report.fixed, result.report.notRechecked], [1, 1, 0, 0]);
  });

  test('gone: fixed where the rule ran in that account and region (even on a deleted resource); otherwise not re-checked', () => {
    const baseline = {
      file: 'b.json',
      startedAt: '2026-01-01T00:00:00.000Z',
      findings: [
        earlier('ssh', 'sg-1', 'a'), // the group passes now: fixed
        earlier('ssh', 'sg-deleted', 'b'), // the group is gone, the rule ran in us-east-1: fixed
        earlier('ssh', 'sg-9', 'c', 'eu-west-1'), // region not audited
        earlier('rdp', 'sg-1', 'd'), // rule not run
        earlier('unused', 'sg-2', 'e'), // the rule errored on that group
        earlier('ssh', 'sg-1', 'a'), // the same fingerprint twice counts once
      ],
    };
    const outcomes = [outcome('ssh', 'sg-1', 'pass'), outcome('unused', 'sg-2', 'error'), outcome('unused', 'sg-3', 'pass')];
    const { report } = compareWithBaseline([], baseline, outcomes);
    assert.deepEqual(
      report.fixedFindings.map((f) => f.fingerprint),
      ['a', 'b'],
    );
    assert.deepEqual([report.fixed, report.notRechecked, report.new, report.unchanged], [2, 3, 0, 0]);
    assert.equal(report.startedAt, '2026-01-01T00:00:00.000Z');
  });
});

describe('compareWithBaseline: exposure context', () => {
  const lowered = { loweredFrom: 'high' as const, reason: 'the group is attached to no network interface' };
  const outcomes = [outcome('ssh', 'sg-1', 'fail')];

  test('accepted while the internet could not reach it, reachable now: new', () => {
    const result = compareWithBaseline([finding('ssh', 'sg-1', 'a')], { file: 'b.json', findings: [{ ...earlier('ssh', 'sg-1', 'a'), severity: 'medium', context: lowered }] }, outcomes);
    assert.equal(result.findings[0]?.baseline, 'new');
    assert.deepEqual([result.report.new, result.report.unchanged, result.report.fixed], [1, 0, 0]);
  });

  test('accepted when reachable, unreachable now (an instance stopped): unchanged', () => {
    const now = { ...finding('ssh', 'sg-1', 'a'), severity: 'medium' as const, context: lowered };
    assert.equal(compareWithBaseline([now], { file: 'b.json', findings: [earlier('ssh', 'sg-1', 'a')] }, outcomes).findings[0]?.baseline, 'unchanged');
  });

  test('lowered then and now: unchanged; a baseline without context (older report) accepts either', () => {
    const now = { ...finding('ssh', 'sg-1', 'a'), context: lowered };
    assert.equal(compareWithBaseline([now], { file: 'b.json', findings: [{ ...earlier('ssh', 'sg-1', 'a'), context: lowered }] }, outcomes).findings[0]?.baseline, 'unchanged');
    assert.equal(compareWithBaseline([finding('ssh', 'sg-1', 'a')], { file: 'b.json', findings: [earlier('ssh', 'sg-1', 'a')] }, outcomes).findings[0]?.baseline, 'unchanged');
  });

  test('one fingerprint listed twice, once lowered and once not: the unlowered entry accepts it', () => {
    const findings = [{ ...earlier('ssh', 'sg-1', 'a'), context: lowered }, earlier('ssh', 'sg-1', 'a')];
    assert.equal(compareWithBaseline([finding('ssh', 'sg-1', 'a')], { file: 'b.json', findings }, outcomes).findings[0]?.baseline, 'unchanged');
  });
});
