// The pure parts of live collection: which ids the per-id calls are made for, and how an SDK
// error becomes one line with a hint. (The calls themselves: test/integration/live-audit.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hintFor, referencedPrefixListIds, staleCandidateVpcIds, toCollectionError } from '../../src/collect/live.js';
import { all, group, tcp } from '../helpers/builders.js';

describe('referencedPrefixListIds: the lists GetManagedPrefixListEntries is asked about', () => {
  const cases: { name: string; groups: unknown[]; expected: string[] }[] = [
    { name: 'no groups', groups: [], expected: [] },
    { name: 'groups without prefix lists', groups: [group({ ingress: [tcp(22, '0.0.0.0/0'), tcp(443, 'sg-1')] })], expected: [] },
    {
      name: 'inbound and outbound, deduplicated across groups and sorted',
      groups: [
        group({ ingress: [tcp(22, 'pl-0bbbbbbb'), tcp(443, 'pl-0aaaaaaa', '10.0.0.0/8')] }),
        group({ egress: [tcp(443, 'pl-0aaaaaaa'), all('pl-0ccccccc')] }),
      ],
      expected: ['pl-0aaaaaaa', 'pl-0bbbbbbb', 'pl-0ccccccc'],
    },
    {
      name: 'malformed items are passed over, not thrown on',
      groups: [null, 'x', { IpPermissions: 'no' }, { IpPermissions: [{ PrefixListIds: [{ PrefixListId: 7 }, {}, { PrefixListId: '' }] }] }],
      expected: [],
    },
  ];
  for (const { name, groups, expected } of cases) {
    test(name, () => assert.deepEqual(referencedPrefixListIds(groups), expected));
  }
});

describe('staleCandidateVpcIds: the VPCs DescribeStaleSecurityGroups is asked about', () => {
  const ref = (groupId: string, extra: Record<string, string> = {}) => ({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: groupId, ...extra }] });
  const cases: { name: string; groups: unknown[]; expected: string[] }[] = [
    { name: 'no groups', groups: [], expected: [] },
    {
      name: 'references to groups of the same VPC (and to itself) cannot be stale: no call',
      groups: [
        group({ id: 'sg-a', vpcId: 'vpc-1', ingress: [tcp(22, 'sg-b'), all('sg-a')] }),
        group({ id: 'sg-b', vpcId: 'vpc-1', egress: [tcp(443, 'sg-a')] }),
      ],
      expected: [],
    },
    {
      name: 'a reference to a group that is not in the sweep (deleted, or another account\'s)',
      groups: [group({ id: 'sg-a', vpcId: 'vpc-1', ingress: [ref('sg-gone')] }), group({ id: 'sg-b', vpcId: 'vpc-2' })],
      expected: ['vpc-1'],
    },
    {
      name: 'a reference to a group of another VPC of the region (peering, Transit Gateway, VPC association)',
      groups: [group({ id: 'sg-a', vpcId: 'vpc-1' }), group({ id: 'sg-b', vpcId: 'vpc-2', egress: [ref('sg-a')] })],
      expected: ['vpc-2'],
    },
    {
      name: 'a peer reference with VpcPeeringConnectionId, in two VPCs: sorted, one call each',
      groups: [
        group({ id: 'sg-a', vpcId: 'vpc-9', ingress: [ref('sg-peer', { VpcId: 'vpc-peer', VpcPeeringConnectionId: 'pcx-1' })] }),
        group({ id: 'sg-b', vpcId: 'vpc-3', ingress: [ref('sg-peer2')] }),
        group({ id: 'sg-c', vpcId: 'vpc-3', ingress: [ref('sg-peer3')] }),
      ],
      expected: ['vpc-3', 'vpc-9'],
    },
    {
      name: 'a pair without GroupId cannot be shown to be local: asked',
      groups: [group({ id: 'sg-a', vpcId: 'vpc-1', ingress: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupName: 'legacy' }] }] })],
      expected: ['vpc-1'],
    },
    {
      name: 'a group outside any VPC (EC2-Classic) gives no call: the API needs a VpcId',
      groups: [{ GroupId: 'sg-classic', GroupName: 'c', IpPermissions: [ref('sg-gone')] }],
      expected: [],
    },
  ];
  for (const { name, groups, expected } of cases) {
    test(name, () => assert.deepEqual(staleCandidateVpcIds(groups), expected));
  }
});

describe('toCollectionError and hints', () => {
  const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });

  test('UnauthorizedOperation on GetManagedPrefixListEntries says it is a Get* action the EC2 read-only policy lacks', () => {
    const e = toCollectionError(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.'), 'GetManagedPrefixListEntries');
    assert.equal(e.code, 'UnauthorizedOperation');
    assert.equal(e.operation, 'GetManagedPrefixListEntries');
    assert.match(e.hint ?? '', /ec2:GetManagedPrefixListEntries: it is a Get\* action, which ec2:Describe\* and the AmazonEC2ReadOnlyAccess/);
    assert.equal(hintFor('AccessDenied', 'GetManagedPrefixListEntries'), e.hint);
  });

  test('the same code on a Describe* call keeps the general hint', () => {
    const e = toCollectionError(sdkError('UnauthorizedOperation', 'no'), 'DescribeStaleSecurityGroups');
    assert.match(e.hint ?? '', /IAM policy of docs\/live\.md/);
    assert.doesNotMatch(e.hint ?? '', /Get\*/);
    assert.equal(hintFor('UnauthorizedOperation'), e.hint);
  });

  test('not-found ids of per-id calls have hints', () => {
    assert.match(hintFor('InvalidPrefixListID.NotFound') ?? '', /prefix list/);
    assert.match(hintFor('InvalidVpcID.NotFound') ?? '', /VPC/);
  });

  test('the encoded authorization blob is left out, and the message is one line', () => {
    const e = toCollectionError(
      sdkError('UnauthorizedOperation', 'You are not authorized. Encoded authorization failure message: AbCdEf123\nsecond line'),
      'DescribeSubnets',
    );
    assert.equal(e.message, 'You are not authorized. (decode details with aws sts decode-authorization-message)');
  });
});
