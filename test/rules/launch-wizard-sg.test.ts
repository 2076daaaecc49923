import assert from 'node:assert/strict';
import { test } from 'node:test';
import rule from '../../rules/launch-wizard-sg.js';
import { all, eni, group, tcp } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

const named = (name: string, spec: Parameters<typeof group>[0] = {}) => ({ groups: [group({ id: 'sg-target', name, ...spec })] });

ruleTester(rule, {
  valid: [
    { name: 'a purpose-named group', data: named('acme-prod-web', { ingress: [tcp(22, '0.0.0.0/0')] }) },
    { name: 'launch-wizard-x (not a number)', data: named('launch-wizard-x') },
    { name: 'my-launch-wizard-1 (prefix)', data: named('my-launch-wizard-1') },
    { name: 'launch-wizard-1-copy (suffix)', data: named('launch-wizard-1-copy') },
    { name: 'launch-wizard- (no number)', data: named('launch-wizard-') },
    { name: 'launch-wizard (no dash, no number)', data: named('launch-wizard') },
    { name: 'launch_wizard_1 (underscores)', data: named('launch_wizard_1') },
    { name: 'launch-wizard-1 with a trailing newline', data: named('launch-wizard-1\n') },
    { name: 'the default group', data: named('default', { ingress: [all('sg-target')] }) },
  ],
  invalid: [
    {
      name: 'launch-wizard-1 with SSH open, attached',
      data: { ...named('launch-wizard-1', { ingress: [tcp(22, '0.0.0.0/0')] }), interfaces: [eni({ groups: ['sg-target'], instanceId: 'i-1' })] },
      findings: [{ messageId: 'wizard', key: 'launch-wizard', groupId: 'sg-target', data: { groupName: 'Group "launch-wizard-1"' } }],
    },
    { name: 'LAUNCH-WIZARD-12 (any case, two digits)', data: named('LAUNCH-WIZARD-12'), findings: [{ messageId: 'wizard', data: { groupName: '"LAUNCH-WIZARD-12"' } }] },
    { name: 'Launch-Wizard-3 with no rules at all (rules are not examined)', data: named('Launch-Wizard-3'), findings: [{ messageId: 'wizard' }] },
    {
      name: 'two wizard groups are two findings; a look-alike is not',
      data: { groups: [group({ id: 'sg-1', name: 'launch-wizard-1' }), group({ id: 'sg-2', name: 'launch-wizard-x' }), group({ id: 'sg-3', name: 'launch-wizard-3', vpcId: 'vpc-2' })] },
      findings: [
        { messageId: 'wizard', groupId: 'sg-1' },
        { messageId: 'wizard', groupId: 'sg-3' },
      ],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { pattern: 'wizard' }, error: /must NOT have additional properties \(pattern\)/ }],
});

test('launch-wizard-sg: the remediation command deletes the group by id', () => {
  const { findings } = runCase(rule, { name: 'cli', data: named('launch-wizard-1') });
  assert.equal(findings.length, 1);
  assert.equal(
    findings[0]?.remediationCommand,
    'aws ec2 delete-security-group --region us-east-1 --group-id sg-target  # after moving its interfaces to another group',
  );
  assert.deepEqual(findings[0]?.evidence, { name: 'launch-wizard-1' });
});
