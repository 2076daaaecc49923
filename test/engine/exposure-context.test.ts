// The engine's side of severity in context: which rules it applies to, how it combines with a
// configured severity, what it adds to the finding, and the data it makes collection fetch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { evaluate, type EvaluateOptions, type Finding } from '../../src/engine/evaluate.js';
import { dataKindsFor, selectRules, type RuleSettings } from '../../src/engine/select.js';
import { group, model, tcp } from '../helpers/builders.js';

/** launch-wizard-9: SSH open to the internet, attached to nothing. */
function audit(options: EvaluateOptions, settings: Record<string, RuleSettings> = {}): Finding[] {
  const m = model({ groups: [group({ id: 'sg-1', name: 'launch-wizard-9', ingress: [tcp(22, '0.0.0.0/0')] })], interfaces: [] });
  const rules = selectRules(RULES, { only: ['ssh-open-to-internet', 'launch-wizard-sg'], skip: [] }, new Map(Object.entries(settings)));
  return [...evaluate(m, rules, rules, options).findings];
}

const ssh = (findings: readonly Finding[]) => findings.find((f) => f.ruleId === 'ssh-open-to-internet');

describe('severity in context (engine)', () => {
  test('off unless asked: the rule\'s severity, no context', () => {
    const found = ssh(audit({}));
    assert.equal(found?.severity, 'high');
    assert.equal(found?.context, undefined);
  });

  test('on: one level lower, the reason in the message and in `context`; the fingerprint is the same', () => {
    const plain = ssh(audit({}));
    const found = ssh(audit({ exposureContext: true }));
    assert.equal(found?.severity, 'medium');
    assert.deepEqual(found?.context, { loweredFrom: 'high', reason: 'the group is attached to no network interface' });
    assert.equal(found?.message, `${plain?.message} — medium rather than high: the group is attached to no network interface`);
    assert.equal(found?.fingerprint, plain?.fingerprint);
  });

  test('a configured severity is lowered in turn; info stays info and says nothing', () => {
    const critical = ssh(audit({ exposureContext: true }, { 'ssh-open-to-internet': { severity: 'critical' } }));
    assert.equal(critical?.severity, 'high');
    assert.equal(critical?.context?.loweredFrom, 'critical');
    const info = ssh(audit({ exposureContext: true }, { 'ssh-open-to-internet': { severity: 'info' } }));
    assert.equal(info?.severity, 'info');
    assert.equal(info?.context, undefined);
    assert.doesNotMatch(info?.message ?? '', /rather than/);
  });

  test('rules that are not about internet exposure keep their severity', () => {
    const wizard = audit({ exposureContext: true }).find((f) => f.ruleId === 'launch-wizard-sg');
    assert.equal(wizard?.severity, 'low');
    assert.equal(wizard?.context, undefined);
  });

  test('exactly the five group-level exposure rules declare it', () => {
    assert.deepEqual(
      RULES.filter((r) => r.meta.exposureContext).map((r) => r.meta.id).sort(),
      ['all-traffic-open-to-internet', 'high-risk-port-open-to-internet', 'rdp-open-to-internet', 'ssh-open-to-internet', 'unauthorized-port-open-to-internet'],
    );
  });

  test('collection fetches the network around the groups only when the context is on and an exposure rule runs', () => {
    const sshOnly = selectRules(RULES, { only: ['ssh-open-to-internet'], skip: [] });
    assert.deepEqual(dataKindsFor(sshOnly), ['securityGroups', 'securityGroupRules', 'prefixLists', 'prefixListEntries']);
    assert.deepEqual(dataKindsFor(sshOnly, { exposureContext: true }), [
      'securityGroups',
      'networkInterfaces',
      'networkAcls',
      'securityGroupRules',
      'prefixLists',
      'prefixListEntries',
      'routeTables',
      'internetGateways',
    ]);
    const wizardOnly = selectRules(RULES, { only: ['launch-wizard-sg'], skip: [] });
    assert.deepEqual(dataKindsFor(wizardOnly, { exposureContext: true }), dataKindsFor(wizardOnly));
  });
});
