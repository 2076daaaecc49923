// findingDelta: two sides of a change compared by fingerprint, then by what a finding is about.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deltaAsBaseline, findingDelta } from '../../src/engine/delta.js';
import type { Finding } from '../../src/engine/evaluate.js';
import type { Severity } from '../../src/rules-kit/types.js';

const finding = (fingerprint: string, key: string, options: { ruleId?: string; resource?: string; address?: string; severity?: Severity } = {}): Finding => ({
  ruleId: options.ruleId ?? 'instance-exposed-to-internet',
  severity: options.severity ?? 'critical',
  title: 't',
  message: 'm',
  resource: {
    type: 'network-interface',
    id: options.resource ?? 'eni-1',
    name: '',
    arn: 'arn',
    accountId: '123456789012',
    region: 'us-east-1',
    ...(options.address ? { address: options.address } : {}),
  },
  evidence: {},
  remediation: 'r',
  key,
  fingerprint,
});

describe('findingDelta', () => {
  test('added, unchanged and fixed by fingerprint; one listed twice counts once', () => {
    const before = [finding('a', 'x'), finding('b', 'y', { resource: 'eni-2' }), finding('b', 'y', { resource: 'eni-2' })];
    const after = [finding('a', 'x'), finding('c', 'z', { resource: 'eni-3' })];
    const delta = findingDelta(before, after);
    assert.deepEqual(delta.added.map((f) => f.fingerprint), ['c']);
    assert.deepEqual(delta.unchanged.map((f) => f.fingerprint), ['a']);
    assert.deepEqual(delta.fixed.map((f) => f.fingerprint), ['b']);
  });

  test('a narrower finding of the same rule on the same resource is not new, and the wider one is not fixed', () => {
    const before = [finding('wide', 'ipv4:tcp/22,ipv4:tcp/5432')];
    const after = [finding('narrow', 'ipv4:tcp/5432')];
    const delta = findingDelta(before, after);
    assert.deepEqual([delta.added.length, delta.unchanged.length, delta.fixed.length], [0, 1, 0]);
  });

  test('wider, more severe, or on another resource is new', () => {
    const before = [finding('narrow', 'ipv4:tcp/5432', { severity: 'high' })];
    assert.equal(findingDelta(before, [finding('wide', 'ipv4:tcp/22,ipv4:tcp/5432', { severity: 'high' })]).added.length, 1);
    assert.equal(findingDelta(before, [finding('worse', 'ipv4:tcp/5432', { severity: 'critical' })]).added.length, 1);
    assert.equal(findingDelta(before, [finding('other', 'ipv4:tcp/5432', { severity: 'high', resource: 'eni-9' })]).added.length, 1);
  });

  test('resources of a plan are the same resource by address, whatever their id', () => {
    const before = [finding('p1', 'ipv4:tcp/22,ipv4:tcp/80', { resource: 'eni-0real', address: 'aws_instance.web' })];
    const after = [finding('p2', 'ipv4:tcp/22', { resource: 'eni-tf:aws_instance.web', address: 'aws_instance.web' })];
    assert.equal(findingDelta(before, after).added.length, 0);
  });

  test('deltaAsBaseline marks the after side for the gate and lists the fixed as a baseline does', () => {
    const result = deltaAsBaseline([finding('a', 'x'), finding('c', 'z')], [finding('a', 'x'), finding('b', 'y', { resource: 'eni-2' })], 'the prior state of plan.json');
    assert.deepEqual(result.findings.map((f) => f.baseline), ['unchanged', 'new']);
    assert.deepEqual(
      { file: result.report.file, new: result.report.new, unchanged: result.report.unchanged, fixed: result.report.fixed, notRechecked: result.report.notRechecked },
      { file: 'the prior state of plan.json', new: 1, unchanged: 1, fixed: 1, notRechecked: 0 },
    );
    assert.equal(result.report.fixedFindings[0]?.fingerprint, 'b');
  });
});
