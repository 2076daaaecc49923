import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowLog, NetworkInterface } from '@aws-sdk/client-ec2';
import rule from '../../rules/vpc-flow-logs-disabled.js';
import { eni, flowLog, vpc, type ScopeSpec } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

/** A network interface in `vpcId` and `subnetId` (no groups needed here). */
const iface = (id: string, subnetId = 'subnet-1', vpcId = 'vpc-1'): NetworkInterface => ({ ...eni({ id, groups: [], vpcId }), SubnetId: subnetId });

/** vpc-1 with these interfaces and flow logs. */
const scope = (interfaces: NetworkInterface[], flowLogs: FlowLog[] = []): ScopeSpec => ({
  vpcs: [vpc({ id: 'vpc-1', name: 'acme-staging' })],
  interfaces,
  flowLogs,
});

const failed = (resourceId: string, extra: Partial<FlowLog> = {}): FlowLog => ({
  ...flowLog({ id: 'fl-broken', resourceId, deliverStatus: 'FAILED' }),
  ...extra,
});

ruleTester(rule, {
  valid: [
    { name: 'no VPCs', data: { vpcs: [], interfaces: [], flowLogs: [] } },
    { name: 'a VPC with no network interfaces and no flow log', data: scope([]) },
    {
      name: 'a VPC without interfaces, beside a logged VPC that has them',
      data: {
        vpcs: [vpc({ id: 'vpc-1' }), vpc({ id: 'vpc-empty' })],
        interfaces: [iface('eni-a')],
        flowLogs: [flowLog({ resourceId: 'vpc-1' })],
      },
    },
    { name: 'an ACTIVE VPC flow log delivering successfully', data: scope([iface('eni-a'), iface('eni-b')], [flowLog({ resourceId: 'vpc-1' })]) },
    {
      name: 'an ACTIVE VPC flow log with no delivery status (CloudWatch Logs not yet delivered)',
      data: scope([iface('eni-a')], [{ ...flowLog({ resourceId: 'vpc-1' }), DeliverLogsStatus: undefined }]),
    },
    { name: 'status spelled in lower case', data: scope([iface('eni-a')], [flowLog({ resourceId: 'vpc-1', status: 'active', deliverStatus: 'success' })]) },
    { name: 'a flow log of rejected traffic only still counts', data: scope([iface('eni-a')], [{ ...flowLog({ resourceId: 'vpc-1' }), TrafficType: 'REJECT' }]) },
    {
      name: 'one failing and one working VPC flow log',
      data: scope([iface('eni-a')], [failed('vpc-1'), flowLog({ id: 'fl-ok', resourceId: 'vpc-1' })]),
    },
    {
      name: 'every interface covered by a subnet-level flow log',
      data: scope([iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2')], [flowLog({ resourceId: 'subnet-1' }), flowLog({ resourceId: 'subnet-2' })]),
    },
    {
      name: 'every interface covered by an interface-level flow log',
      data: scope([iface('eni-a'), iface('eni-b')], [flowLog({ resourceId: 'eni-a' }), flowLog({ resourceId: 'eni-b' })]),
    },
    {
      name: 'every interface covered, by subnet or by interface',
      data: scope([iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2')], [flowLog({ resourceId: 'subnet-1' }), flowLog({ resourceId: 'eni-b' })]),
    },
    {
      name: 'a failing VPC flow log, but every interface covered by a working subnet flow log',
      data: scope([iface('eni-a', 'subnet-1')], [failed('vpc-1'), flowLog({ resourceId: 'subnet-1' })]),
    },
  ],
  invalid: [
    {
      name: 'a VPC with interfaces and no flow log',
      data: scope([iface('eni-a'), iface('eni-b')]),
      findings: [{ messageId: 'none', key: 'flow-logs', groupId: 'vpc-1', data: { counts: '2 of 2 network interface(s)' } }],
    },
    {
      name: 'a flow log on another VPC does not count',
      data: { ...scope([iface('eni-a')], [flowLog({ resourceId: 'vpc-other' })]) },
      findings: [{ messageId: 'none', groupId: 'vpc-1', data: { counts: '1 of 1' } }],
    },
    {
      name: 'a VPC flow log whose delivery FAILED',
      data: scope([iface('eni-a')], [failed('vpc-1')]),
      findings: [{ messageId: 'failing', key: 'flow-logs', data: { flowLogs: 'Flow log fl-broken on the VPC', reason: '(ACTIVE, delivery FAILED)', counts: '1 of 1' } }],
    },
    {
      name: 'a FAILED delivery shows its error message',
      data: scope([iface('eni-a')], [failed('vpc-1', { DeliverLogsErrorMessage: 'Access error' })]),
      findings: [{ messageId: 'failing', data: { reason: '(Access error)' } }],
    },
    {
      name: 'a VPC flow log that is not ACTIVE',
      data: scope([iface('eni-a')], [flowLog({ id: 'fl-off', resourceId: 'vpc-1', status: 'INACTIVE' })]),
      findings: [{ messageId: 'failing', data: { flowLogs: 'fl-off', reason: 'INACTIVE' } }],
    },
    {
      name: 'partially covered: 1 of 3 interfaces has no subnet or interface flow log',
      data: scope(
        [iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2'), iface('eni-c', 'subnet-3')],
        [flowLog({ resourceId: 'subnet-1' }), flowLog({ resourceId: 'eni-b' })],
      ),
      findings: [{ messageId: 'none', data: { counts: '1 of 3 network interface(s)' } }],
    },
    {
      name: 'a failing subnet flow log covers nothing',
      data: scope([iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2')], [failed('subnet-1'), flowLog({ resourceId: 'subnet-2' })]),
      findings: [{ messageId: 'none', data: { counts: '1 of 2' } }],
    },
    {
      name: 'partially covered behind a failing VPC flow log',
      data: scope([iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2')], [failed('vpc-1'), flowLog({ resourceId: 'subnet-1' })]),
      findings: [{ messageId: 'failing', data: { counts: '1 of 2' } }],
    },
    {
      name: 'two VPCs without flow logs are two findings',
      data: {
        vpcs: [vpc({ id: 'vpc-1' }), vpc({ id: 'vpc-2' })],
        interfaces: [iface('eni-a'), iface('eni-b', 'subnet-9', 'vpc-2'), iface('eni-c', 'subnet-9', 'vpc-2')],
        flowLogs: [],
      },
      findings: [
        { messageId: 'none', groupId: 'vpc-1', data: { counts: '1 of 1' } },
        { messageId: 'none', groupId: 'vpc-2', data: { counts: '2 of 2' } },
      ],
    },
  ],
  errors: [
    { name: 'flow logs failed to collect', data: { vpcs: [vpc()], interfaces: [iface('eni-a')], failed: { flowLogs: 'UnauthorizedOperation' } }, error: /DescribeFlowLogs could not be collected/ },
    { name: 'VPCs failed to collect', data: { interfaces: [iface('eni-a')], flowLogs: [], failed: { vpcs: 'UnauthorizedOperation' } }, error: /DescribeVpcs could not be collected/ },
    {
      name: 'network interfaces failed to collect',
      data: { vpcs: [vpc()], flowLogs: [], failed: { networkInterfaces: 'UnauthorizedOperation' } },
      error: /DescribeNetworkInterfaces could not be collected/,
    },
  ],
  skipped: [
    { name: 'offline data without network interfaces', data: { vpcs: [vpc()], flowLogs: [] }, skipped: true },
    { name: 'offline data without flow logs', data: { vpcs: [vpc()], interfaces: [iface('eni-a')] }, skipped: true },
    { name: 'offline data without VPCs', data: { interfaces: [iface('eni-a')], flowLogs: [] }, skipped: true },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { minInterfaces: 2 }, error: /must NOT have additional properties \(minInterfaces\)/ }],
});

describe('vpc-flow-logs-disabled: finding details', () => {
  test('evidence lists the uncovered interfaces and the VPC flow logs; the command creates a VPC flow log', () => {
    const { findings } = runCase(rule, {
      name: 'evidence',
      data: scope([iface('eni-a', 'subnet-1'), iface('eni-b', 'subnet-2')], [failed('vpc-1'), flowLog({ resourceId: 'subnet-1' })]),
    });
    assert.equal(findings.length, 1);
    const f = findings[0];
    assert.ok(f);
    assert.equal(f.resource.type, 'vpc');
    assert.equal(f.resource.name, 'acme-staging');
    assert.deepEqual(f.evidence, {
      interfaces: 2,
      uncoveredInterfaces: ['eni-b'],
      flowLogs: [{ id: 'fl-broken', status: 'ACTIVE', deliverStatus: 'FAILED' }],
    });
    assert.equal(f.message, 'Flow log fl-broken on the VPC is not delivering (ACTIVE, delivery FAILED); 1 of 2 network interface(s) are not logged');
    assert.match(f.remediationCommand ?? '', /^aws ec2 create-flow-logs --region us-east-1 --resource-type VPC --resource-ids vpc-1 /);
  });
});
