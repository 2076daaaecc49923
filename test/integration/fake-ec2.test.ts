// Tests of the fake EC2 endpoint itself, through the real SDK v3 clients: if these pass, the fake
// speaks the wire format the collector will meet, so collector tests against it mean something.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ec2sdk from '@aws-sdk/client-ec2';
import {
  AuthorizeSecurityGroupIngressCommand, DescribeFlowLogsCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand, DescribeNetworkAclsCommand, DescribeNetworkInterfacesCommand, DescribeRegionsCommand,
  DescribeRouteTablesCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand,
  DescribeStaleSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client,
  GetManagedPrefixListEntriesCommand, paginateDescribeFlowLogs, paginateDescribeManagedPrefixLists, paginateDescribeNetworkAcls,
  paginateDescribeSecurityGroupRules, paginateDescribeSecurityGroups, paginateDescribeStaleSecurityGroups, paginateDescribeSubnets,
  paginateGetManagedPrefixListEntries,
} from '@aws-sdk/client-ec2';
import type { EC2ClientConfig, SecurityGroup } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startFakeEc2, WIRE_SHAPES } from '../helpers/fake-ec2.js';
import type { AccountFixture, FakeEc2, FakeEc2Options, Fault, FaultContext, RegionFixture } from '../helpers/fake-ec2.js';
import { acceptanceRegion } from '../fixtures/acceptance-account.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '111122223333';
const VPC = 'vpc-0aaa1111bbbb2222c';
const SUBNET = 'subnet-0aaa1111bbbb2222c';
const WEB = 'sg-0a1b2c3d4e5f60001';
const DEFAULT_SG = 'sg-0a1b2c3d4e5f60000';
const PL = 'pl-0123456789abcdef0';
const ENI = 'eni-0a1b2c3d4e5f60001';
const INSTANCE = 'i-0a1b2c3d4e5f60001';
const attachTime = new Date('2024-05-01T12:34:56.000Z');

const webGroup: SecurityGroup = {
  GroupId: WEB, GroupName: 'web', OwnerId: ACCOUNT, VpcId: VPC,
  Description: `web <tier> & "friends" 'quoted' ]]> Ünïcødé 🚀`,
  SecurityGroupArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${WEB}`,
  Tags: [
    { Key: 'Name', Value: 'web' }, { Key: 'empty', Value: '' },
    { Key: 'hostile', Value: '\u001b[31mred\u001b[0m\r\n<script>=HYPERLINK("x")</script>  ' },
  ],
  IpPermissions: [
    { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }],
      Ipv6Ranges: [{ CidrIpv6: '::/0' }], PrefixListIds: [], UserIdGroupPairs: [] },
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [], Ipv6Ranges: [],
      PrefixListIds: [{ PrefixListId: PL, Description: 'cloudfront' }],
      UserIdGroupPairs: [{ GroupId: 'sg-0peer000000000001', UserId: '444455556666', VpcId: 'vpc-0peer', Description: 'peer',
        VpcPeeringConnectionId: 'pcx-0123456789abcdef0', PeeringStatus: 'active' }] },
    // `-1` carries no ports at all in DescribeSecurityGroups output.
    { IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: WEB, UserId: ACCOUNT }] },
    { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }], Ipv6Ranges: [], PrefixListIds: [],
      UserIdGroupPairs: [] },
    { IpProtocol: 'icmpv6', FromPort: -1, ToPort: -1, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'v6' }],
      PrefixListIds: [], UserIdGroupPairs: [] },
    { IpProtocol: '50', IpRanges: [{ CidrIp: '192.0.2.0/24' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] },
  ],
  IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }],
    PrefixListIds: [], UserIdGroupPairs: [] }],
};
const defaultGroup: SecurityGroup = {
  GroupId: DEFAULT_SG, GroupName: 'default', Description: 'default VPC security group', OwnerId: ACCOUNT, VpcId: VPC,
  IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: DEFAULT_SG, UserId: ACCOUNT }] }],
  IpPermissionsEgress: [],
};
const otherVpcGroup: SecurityGroup = { GroupId: 'sg-0other', GroupName: 'other', Description: 'x', OwnerId: ACCOUNT, VpcId: 'vpc-0other' };

const rich: RegionFixture = {
  securityGroups: [webGroup, defaultGroup, otherVpcGroup],
  securityGroupRules: [
    { SecurityGroupRuleId: 'sgr-01', GroupId: WEB, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
      CidrIpv4: '0.0.0.0/0', Description: 'ssh', Tags: [], SecurityGroupRuleArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group-rule/sgr-01` },
    { SecurityGroupRuleId: 'sgr-02', GroupId: WEB, GroupOwnerId: ACCOUNT, IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1,
      CidrIpv6: '::/0' },
    { SecurityGroupRuleId: 'sgr-03', GroupId: WEB, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
      ReferencedGroupInfo: { GroupId: 'sg-0peer000000000001', UserId: '444455556666', VpcId: 'vpc-0peer',
        VpcPeeringConnectionId: 'pcx-0123456789abcdef0', PeeringStatus: 'active' } },
    { SecurityGroupRuleId: 'sgr-04', GroupId: DEFAULT_SG, GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 0,
      ToPort: 65535, PrefixListId: PL },
  ],
  networkInterfaces: [
    { NetworkInterfaceId: ENI, VpcId: VPC, SubnetId: SUBNET, OwnerId: ACCOUNT, AvailabilityZone: 'eu-west-1a',
      AvailabilityZoneId: 'euw1-az1', Description: 'Primary network interface', InterfaceType: 'interface',
      MacAddress: '0a:00:00:00:00:01', PrivateIpAddress: '10.0.1.10', PrivateDnsName: 'ip-10-0-1-10.eu-west-1.compute.internal',
      RequesterManaged: false, SourceDestCheck: true, Status: 'in-use', DenyAllIgwTraffic: false, Ipv6Native: false,
      Ipv6Address: '2001:db8:1234:1::10',
      Association: { PublicIp: '203.0.113.10', IpOwnerId: 'amazon', PublicDnsName: 'ec2-203-0-113-10.eu-west-1.compute.amazonaws.com' },
      Attachment: { AttachmentId: 'eni-attach-01', AttachTime: attachTime, DeleteOnTermination: true, DeviceIndex: 0,
        NetworkCardIndex: 0, InstanceId: INSTANCE, InstanceOwnerId: ACCOUNT, Status: 'attached' },
      Groups: [{ GroupId: WEB, GroupName: 'web' }],
      Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1::10', IsPrimaryIpv6: true }],
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.10', PrivateDnsName: 'ip-10-0-1-10.eu-west-1.compute.internal',
        Association: { PublicIp: '203.0.113.10', IpOwnerId: 'amazon' } }],
      TagSet: [{ Key: 'Name', Value: 'web-eth0' }] },
    { NetworkInterfaceId: 'eni-0elb', VpcId: VPC, SubnetId: SUBNET, OwnerId: ACCOUNT, InterfaceType: 'interface',
      Description: 'ELB app/web/0123', RequesterId: 'amazon-elb', RequesterManaged: true, Status: 'in-use',
      Association: { PublicIp: '198.51.100.7', IpOwnerId: ACCOUNT, AllocationId: 'eipalloc-01', AssociationId: 'eipassoc-01' },
      Attachment: { AttachmentId: 'ela-attach-01', DeviceIndex: 1, InstanceOwnerId: 'amazon-elb', Status: 'attached' },
      Groups: [{ GroupId: DEFAULT_SG, GroupName: 'default' }], TagSet: [],
      Operator: { Managed: true, Principal: 'elasticloadbalancing.amazonaws.com', HiddenByDefault: false } },
  ],
  reservations: [{
    ReservationId: 'r-01', OwnerId: ACCOUNT, Groups: [],
    Instances: [
      { InstanceId: INSTANCE, ImageId: 'ami-01', InstanceType: 't3.micro', State: { Code: 16, Name: 'running' },
        PrivateIpAddress: '10.0.1.10', PublicIpAddress: '203.0.113.10', PrivateDnsName: 'ip-10-0-1-10.eu-west-1.compute.internal',
        PublicDnsName: 'ec2-203-0-113-10.eu-west-1.compute.amazonaws.com', SubnetId: SUBNET, VpcId: VPC, LaunchTime: attachTime,
        Placement: { AvailabilityZone: 'eu-west-1a', Tenancy: 'default' }, Architecture: 'x86_64', SourceDestCheck: true,
        EbsOptimized: false, Monitoring: { State: 'disabled' }, KeyName: 'ops', AmiLaunchIndex: 0,
        IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/web`, Id: 'AIPA01' },
        MetadataOptions: { State: 'applied', HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
        SecurityGroups: [{ GroupId: WEB, GroupName: 'web' }], Tags: [{ Key: 'Name', Value: 'web-1' }],
        NetworkInterfaces: [{
          NetworkInterfaceId: ENI, Description: '', InterfaceType: 'interface', MacAddress: '0a:00:00:00:00:01', OwnerId: ACCOUNT,
          PrivateIpAddress: '10.0.1.10', SourceDestCheck: true, Status: 'in-use', SubnetId: SUBNET, VpcId: VPC,
          Association: { PublicIp: '203.0.113.10', IpOwnerId: 'amazon', PublicDnsName: 'ec2-203-0-113-10.eu-west-1.compute.amazonaws.com' },
          Attachment: { AttachmentId: 'eni-attach-01', AttachTime: attachTime, DeleteOnTermination: true, DeviceIndex: 0,
            NetworkCardIndex: 0, Status: 'attached' },
          Groups: [{ GroupId: WEB, GroupName: 'web' }],
          Ipv6Addresses: [{ Ipv6Address: '2001:db8:1234:1::10', IsPrimaryIpv6: true }],
          PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.10', Association: { PublicIp: '203.0.113.10', IpOwnerId: 'amazon' } }],
        }] },
      { InstanceId: 'i-0stopped', State: { Code: 80, Name: 'stopped' }, StateTransitionReason: 'User initiated',
        SubnetId: SUBNET, VpcId: VPC, SecurityGroups: [{ GroupId: DEFAULT_SG, GroupName: 'default' }], NetworkInterfaces: [] },
    ],
  }],
  vpcs: [{ VpcId: VPC, OwnerId: ACCOUNT, State: 'available', CidrBlock: '10.0.0.0/16', DhcpOptionsId: 'dopt-01',
    InstanceTenancy: 'default', IsDefault: false, Tags: [{ Key: 'Name', Value: 'main' }],
    CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-01', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
    Ipv6CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-02', Ipv6CidrBlock: '2001:db8:1234::/56',
      Ipv6CidrBlockState: { State: 'associated' }, NetworkBorderGroup: 'eu-west-1', Ipv6Pool: 'Amazon' }],
    BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' } }],
  subnets: [{ SubnetId: SUBNET, SubnetArn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/${SUBNET}`, VpcId: VPC, OwnerId: ACCOUNT,
    State: 'available', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1a', AvailabilityZoneId: 'euw1-az1',
    AvailableIpAddressCount: 250, DefaultForAz: false, MapPublicIpOnLaunch: true, AssignIpv6AddressOnCreation: false,
    Ipv6Native: false, Ipv6CidrBlockAssociationSet: [], Tags: [] }],
  routeTables: [{
    RouteTableId: 'rtb-main', VpcId: VPC, OwnerId: ACCOUNT, PropagatingVgws: [], Tags: [],
    Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-01', Origin: 'CreateRoute', State: 'active' },
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-01', Origin: 'CreateRoute', State: 'active' },
      { DestinationPrefixListId: PL, NatGatewayId: 'nat-01', Origin: 'CreateRoute', State: 'blackhole' },
    ],
    Associations: [
      { Main: true, RouteTableAssociationId: 'rtbassoc-main', RouteTableId: 'rtb-main', AssociationState: { State: 'associated' } },
      { Main: false, RouteTableAssociationId: 'rtbassoc-01', RouteTableId: 'rtb-main', SubnetId: SUBNET,
        AssociationState: { State: 'associated' } },
    ],
  }],
  internetGateways: [{ InternetGatewayId: 'igw-01', OwnerId: ACCOUNT, Attachments: [{ State: 'attached', VpcId: VPC }],
    Tags: [{ Key: 'Name', Value: 'igw' }] }],
  networkAcls: [{
    NetworkAclId: 'acl-01', VpcId: VPC, OwnerId: ACCOUNT, IsDefault: true, Tags: [],
    Entries: [
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 101, Protocol: '6', RuleAction: 'allow', Egress: false, Ipv6CidrBlock: '::/0', PortRange: { From: 22, To: 22 } },
      { RuleNumber: 110, Protocol: '1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0', IcmpTypeCode: { Type: -1, Code: -1 } },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
    ],
    Associations: [{ NetworkAclAssociationId: 'aclassoc-01', NetworkAclId: 'acl-01', SubnetId: SUBNET }],
  }],
  managedPrefixLists: [
    { PrefixListId: PL, PrefixListName: 'com.amazonaws.global.cloudfront.origin-facing', AddressFamily: 'IPv4',
      State: 'create-complete', MaxEntries: 55, OwnerId: 'AWS', PrefixListArn: `arn:aws:ec2:eu-west-1:aws:prefix-list/${PL}` },
    { PrefixListId: 'pl-0customer', PrefixListName: 'office', AddressFamily: 'IPv4', State: 'create-complete', MaxEntries: 10,
      Version: 3, OwnerId: ACCOUNT, Tags: [{ Key: 'team', Value: 'net' }] },
  ],
  prefixListEntries: { 'pl-0customer': [{ Cidr: '192.0.2.0/24', Description: 'office' }, { Cidr: '198.51.100.0/24' }] },
  flowLogs: [{ FlowLogId: 'fl-01', CreationTime: attachTime, DeliverLogsStatus: 'SUCCESS', FlowLogStatus: 'ACTIVE',
    LogGroupName: 'vpc-flow', ResourceId: VPC, TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs',
    LogFormat: '${version} ${account-id} ${srcaddr}', MaxAggregationInterval: 600, Tags: [] }],
  staleSecurityGroups: [{ GroupId: WEB, GroupName: 'web', VpcId: VPC, Description: 'stale',
    StaleIpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: ['10.1.0.0/16'], PrefixListIds: [],
      UserIdGroupPairs: [{ GroupId: 'sg-0gone', VpcId: 'vpc-0peer', VpcPeeringConnectionId: 'pcx-0123456789abcdef0', PeeringStatus: 'deleted' }] }],
    StaleIpPermissionsEgress: [] }],
};

const manyGroups: SecurityGroup[] = Array.from({ length: 23 }, (_, i) => ({
  GroupId: `sg-${String(i).padStart(17, '0')}`, GroupName: `g${i}`, Description: `group ${i}`, OwnerId: ACCOUNT, VpcId: VPC,
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: 1000 + i, ToPort: 1000 + i, IpRanges: [{ CidrIp: `10.${i}.0.0/16` }] }],
}));

const accountA: AccountFixture = {
  accountId: ACCOUNT, accessKeyId: 'AKIAFAKEAAAAAAAAAAA1', secretAccessKey: 'secret/A+key',
  regions: { 'eu-west-1': rich, 'us-east-1': { securityGroups: manyGroups } },
};
const accountB: AccountFixture = {
  accountId: '444455556666', accessKeyId: 'AKIAFAKEBBBBBBBBBBB2', secretAccessKey: 'secretB',
  arn: 'arn:aws:sts::444455556666:assumed-role/audit/session', regions: { 'ap-southeast-2': {} },
};

async function withFake(options: Partial<FakeEc2Options>, run: (fake: FakeEc2) => Promise<void>): Promise<void> {
  const fake = await startFakeEc2({ accounts: [accountA, accountB], ...options });
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

function ec2(fake: FakeEc2, config: Partial<EC2ClientConfig> & { account?: AccountFixture } = {}): EC2Client {
  const { account = accountA, ...rest } = config;
  return new EC2Client({
    endpoint: fake.url, region: 'eu-west-1', maxAttempts: 2,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey }, ...rest,
  });
}

/** Asserts the promise rejects with an SDK error of this name (the EC2 error code) and HTTP status. */
async function rejectsWith(promise: Promise<unknown>, name: string, status?: number): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (e: unknown) => { caught = e; return true; });
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, name, caught.message);
  if (status !== undefined) {
    assert.equal((caught as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, status);
  }
  return caught;
}

describe('fake EC2 endpoint through the real SDK', () => {
  test('a rich fixture round-trips to deep-equal SDK objects for every action', () => withFake({}, async (fake) => {
    const client = ec2(fake);
    try {
      const send = client.send.bind(client);
      assert.deepEqual((await send(new DescribeSecurityGroupsCommand({}))).SecurityGroups, rich.securityGroups);
      assert.deepEqual((await send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules, rich.securityGroupRules);
      assert.deepEqual((await send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces, rich.networkInterfaces);
      assert.deepEqual((await send(new DescribeInstancesCommand({}))).Reservations, rich.reservations);
      assert.deepEqual((await send(new DescribeVpcsCommand({}))).Vpcs, rich.vpcs);
      assert.deepEqual((await send(new DescribeSubnetsCommand({}))).Subnets, rich.subnets);
      assert.deepEqual((await send(new DescribeRouteTablesCommand({}))).RouteTables, rich.routeTables);
      assert.deepEqual((await send(new DescribeInternetGatewaysCommand({}))).InternetGateways, rich.internetGateways);
      assert.deepEqual((await send(new DescribeNetworkAclsCommand({}))).NetworkAcls, rich.networkAcls);
      assert.deepEqual((await send(new DescribeManagedPrefixListsCommand({}))).PrefixLists, rich.managedPrefixLists);
      assert.deepEqual((await send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0customer' }))).Entries,
        rich.prefixListEntries?.['pl-0customer']);
      assert.deepEqual((await send(new GetManagedPrefixListEntriesCommand({ PrefixListId: PL }))).Entries, []);
      assert.deepEqual((await send(new DescribeFlowLogsCommand({}))).FlowLogs, rich.flowLogs);
      assert.deepEqual((await send(new DescribeStaleSecurityGroupsCommand({ VpcId: VPC }))).StaleSecurityGroupSet,
        rich.staleSecurityGroups);
      // A VPC the region does not have is an error, as in EC2; one without stale rules is an empty list.
      await rejectsWith(send(new DescribeStaleSecurityGroupsCommand({ VpcId: 'vpc-0other' })), 'InvalidVpcID.NotFound', 400);
      assert.deepEqual((await send(new DescribeRegionsCommand({}))).Regions, [
        { RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
      ]);
      assert.deepEqual(fake.violations, []);
      assert.ok(fake.requests.every((r) => r.accountId === ACCOUNT && r.region === 'eu-west-1'));
      assert.deepEqual(fake.requests.filter((r) => r.status !== 200).map((r) => [r.action, r.status]), [['DescribeStaleSecurityGroups', 400]]);
    } finally {
      client.destroy();
    }
  }));

  test('every wire name in the fake matches the SDK schema', () => {
    const sdk = ec2sdk as unknown as Record<string, unknown>;
    // SDK schema tuples: structure [3, namespace, name, traits, memberNames, memberSchemas];
    // list [1, namespace, name, traits, valueSchema]; a schema may be wrapped in a thunk.
    const target = (ref: unknown): string | undefined => {
      const s: unknown = typeof ref === 'function' ? (ref as () => unknown)() : ref;
      if (!Array.isArray(s)) return undefined;
      if (s[0] === 3) return String(s[2]);
      if (s[0] === 1) return target(Array.isArray(s[4]) ? s[4][0] : s[4]);
      return undefined;
    };
    for (const [shape, members] of WIRE_SHAPES) {
      const schema = sdk[`${shape}$`];
      assert.ok(Array.isArray(schema) && schema[0] === 3, `${shape} is not an SDK structure`);
      const names = schema[4] as string[];
      const memberSchemas = schema[5] as unknown[];
      for (const [name, member] of members) {
        const index = names.indexOf(name);
        assert.ok(index >= 0, `${shape}.${name} is not in the SDK model`);
        const ms = memberSchemas[index];
        const [ref, traits] = Array.isArray(ms) ? ms : [ms, undefined];
        const xmlName = (traits as { xmlName?: string } | undefined)?.xmlName ?? name;
        assert.equal(member.wire, xmlName, `${shape}.${name}`);
        assert.equal(member.shape, target(ref), `${shape}.${name} nested shape`);
      }
    }
  });

  test('pagination: many pages under maxPageSize, union equals the fixture, throttled page retried', () => withFake({
    maxPageSize: 5,
    fault: (ctx) => (ctx.region === 'us-east-1' && ctx.page === 2 && ctx.attempt === 0 ? { kind: 'throttle' } : undefined),
  }, async (fake) => {
    const client = ec2(fake, { region: 'us-east-1', maxAttempts: 3 });
    try {
      const pages: SecurityGroup[][] = [];
      for await (const page of paginateDescribeSecurityGroups({ client, pageSize: 1000 }, {})) pages.push(page.SecurityGroups ?? []);
      assert.equal(pages.length, 5);
      assert.ok(pages.every((p) => p.length <= 5));
      assert.deepEqual(pages.flat(), manyGroups);
      assert.equal(fake.countByAction()['DescribeSecurityGroups'], 6);
      assert.deepEqual(fake.requests.map((r) => r.status), [200, 200, 400, 200, 200, 200]);
      assert.ok(fake.requests.every((r) => r.params['MaxResults'] === '1000'));
      // Tokens carry '+', '/' and '='; the retried request must send the same token back.
      const [throttled, retried] = [fake.requests[2], fake.requests[3]];
      assert.ok(throttled?.params['NextToken']?.startsWith('+/'));
      assert.equal(retried?.params['NextToken'], throttled?.params['NextToken']);

      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ NextToken: 'bogus' })), 'InvalidPaginationToken', 400);
      const first = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
      // A token is bound to the request it came from.
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ NextToken: first.NextToken ?? '', GroupIds: ['sg-x'] })),
        'InvalidPaginationToken', 400);
    } finally {
      client.destroy();
    }
  }));

  test('the collector\'s paginators read every new kind page by page and reassemble the fixture', async () => {
    const base = acceptanceRegion('eu-west-1', 'c');
    const [stale] = base.staleSecurityGroups ?? [];
    assert.ok(stale);
    // A second stale group in the same VPC, so that call spans pages too.
    const fixture: RegionFixture = { ...base, staleSecurityGroups: [stale, { ...stale, GroupId: 'sg-0c00000000000099', GroupName: 'other', StaleIpPermissions: [] }] };
    const account: AccountFixture = { ...accountA, regions: { 'eu-west-1': fixture } };
    const fake = await startFakeEc2({ accounts: [account], maxPageSize: 1 });
    const client = ec2(fake, { account });
    try {
      const drain = async <P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[][]> => {
        const out: T[][] = [];
        for await (const page of pages) out.push(items(page) ?? []);
        return out;
      };
      const config = (pageSize: number) => ({ client, pageSize });
      const cases: [string, Promise<unknown[][]>, unknown[] | undefined][] = [
        ['DescribeSubnets', drain(paginateDescribeSubnets(config(1000), {}), (p) => p.Subnets), fixture.subnets],
        ['DescribeNetworkAcls', drain(paginateDescribeNetworkAcls(config(1000), {}), (p) => p.NetworkAcls), fixture.networkAcls],
        ['DescribeFlowLogs', drain(paginateDescribeFlowLogs(config(1000), {}), (p) => p.FlowLogs), fixture.flowLogs],
        ['DescribeSecurityGroupRules', drain(paginateDescribeSecurityGroupRules(config(1000), {}), (p) => p.SecurityGroupRules), fixture.securityGroupRules],
        ['DescribeManagedPrefixLists', drain(paginateDescribeManagedPrefixLists(config(100), {}), (p) => p.PrefixLists), fixture.managedPrefixLists],
      ];
      for (const [id, entries] of Object.entries(fixture.prefixListEntries ?? {})) {
        cases.push([`GetManagedPrefixListEntries ${id}`, drain(paginateGetManagedPrefixListEntries(config(100), { PrefixListId: id }), (p) => p.Entries), entries]);
      }
      cases.push(['DescribeStaleSecurityGroups', drain(paginateDescribeStaleSecurityGroups(config(255), { VpcId: stale.VpcId }), (p) => p.StaleSecurityGroupSet),
        fixture.staleSecurityGroups]);
      for (const [what, pagesPromise, expected] of cases) {
        const pages = await pagesPromise;
        assert.ok((expected?.length ?? 0) >= 2, `${what}: the fixture has several items`);
        assert.equal(pages.length, expected?.length, `${what}: one item a page`);
        // Deep equality with the SDK-shaped fixture: NACL entries keep PortRange, IcmpTypeCode and
        // Ipv6CidrBlock, flow logs their Date, rules their ReferencedGroupInfo and PrefixListId,
        // stale permissions their plain-string IpRanges and group pairs.
        assert.deepEqual(pages.flat(), expected, what);
      }
      const acl = fixture.networkAcls?.find((a) => !a.IsDefault);
      assert.ok(acl?.Entries?.some((e) => e.PortRange && e.Ipv6CidrBlock) && acl.Entries.some((e) => e.IcmpTypeCode));
      assert.ok(fixture.securityGroupRules?.some((r) => r.ReferencedGroupInfo?.PeeringStatus === 'deleted'));
      assert.ok(fixture.securityGroupRules?.some((r) => r.PrefixListId));
      const params = (action: string) => fake.requests.filter((r) => r.action === action).map((r) => r.params);
      assert.ok(params('GetManagedPrefixListEntries').every((p) => p['MaxResults'] === '100' && p['PrefixListId']?.startsWith('pl-')));
      assert.ok(params('DescribeStaleSecurityGroups').every((p) => p['MaxResults'] === '255' && p['VpcId'] === stale.VpcId));
      assert.deepEqual(fake.violations, []);
    } finally {
      client.destroy();
      await fake.close();
    }
  });

  test('per-id calls: parameters are validated, and faults see the id and count attempts per id', () => withFake({
    fault: (ctx: FaultContext) => (ctx.action === 'GetManagedPrefixListEntries' && ctx.params['PrefixListId'] !== 'pl-0nosuchlist'
      && ctx.attempt === 0 ? { kind: 'error', status: 503, code: 'Unavailable' } : undefined),
  }, async (fake) => {
    const client = ec2(fake, { maxAttempts: 3 });
    try {
      // Attempts are counted per request (the list's id included): the first attempt of each list fails, not only the first list's.
      const entries = await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0customer' }));
      assert.equal(entries.Entries?.length, 2);
      assert.equal(entries.$metadata.attempts, 2);
      assert.equal((await client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: PL }))).$metadata.attempts, 2);
      assert.deepEqual(fake.requests.map((r) => [r.params['PrefixListId'], r.status]),
        [['pl-0customer', 503], ['pl-0customer', 200], [PL, 503], [PL, 200]]);
      await rejectsWith(client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0customer', MaxResults: 101 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeStaleSecurityGroupsCommand({ VpcId: VPC, MaxResults: 256 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeStaleSecurityGroupsCommand({ VpcId: VPC, MaxResults: 4 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeNetworkAclsCommand({ MaxResults: 4 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0nosuchlist' })), 'InvalidPrefixListID.NotFound', 400);
    } finally {
      client.destroy();
    }
  }));

  test('no MaxResults and no cap returns everything in one page', () => withFake({}, async (fake) => {
    const client = ec2(fake, { region: 'us-east-1' });
    try {
      const out = await client.send(new DescribeSecurityGroupsCommand({}));
      assert.equal(out.SecurityGroups?.length, 23);
      assert.equal(out.NextToken, undefined);
      const capped = await client.send(new DescribeSecurityGroupsCommand({ MaxResults: 20 }));
      assert.equal(capped.SecurityGroups?.length, 20);
      assert.equal(typeof capped.NextToken, 'string');
    } finally {
      client.destroy();
    }
  }));

  test('parameter validation: MaxResults ranges, unsupported filters and parameters, ID combinations', () => withFake({}, async (fake) => {
    const client = ec2(fake);
    try {
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ MaxResults: 4 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ MaxResults: 1001 })), 'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeRouteTablesCommand({ MaxResults: 1000 })), 'InvalidParameterValue', 400);
      assert.equal((await client.send(new DescribeRouteTablesCommand({ MaxResults: 100 }))).RouteTables?.length, 1);
      await rejectsWith(client.send(new DescribeManagedPrefixListsCommand({ MaxResults: 101 })), 'InvalidParameterValue', 400);
      assert.equal((await client.send(new DescribeManagedPrefixListsCommand({ MaxResults: 1 }))).PrefixLists?.length, 1);
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.cidr', Values: ['0.0.0.0/0'] }] })),
        'InvalidParameterValue', 400);
      await rejectsWith(client.send(new DescribeInstancesCommand({ InstanceIds: [INSTANCE], MaxResults: 5 })),
        'InvalidParameterCombination', 400);
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0missing'] })), 'InvalidGroup.NotFound', 400);
      await rejectsWith(client.send(new DescribeSecurityGroupsCommand({ DryRun: true })), 'DryRunOperation', 412);
      await rejectsWith(client.send(new DescribeStaleSecurityGroupsCommand({ VpcId: undefined })), 'MissingParameter', 400);
      assert.deepEqual(fake.violations, []);
    } finally {
      client.destroy();
    }
  }));

  test('filters: vpc-id and group-id, ID lists, tags, and instance filters keep the reservation shape', () => withFake({}, async (fake) => {
    const client = ec2(fake);
    try {
      const ids = (groups: SecurityGroup[] | undefined): (string | undefined)[] => (groups ?? []).map((g) => g.GroupId);
      const byVpc = await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [VPC] }] }));
      assert.deepEqual(ids(byVpc.SecurityGroups), [WEB, DEFAULT_SG]);
      const byId = await client.send(new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-id', Values: [DEFAULT_SG, 'sg-0other'] }, { Name: 'vpc-id', Values: [VPC] }] }));
      assert.deepEqual(ids(byId.SecurityGroups), [DEFAULT_SG]);
      assert.deepEqual(ids((await client.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0other', WEB] }))).SecurityGroups),
        [WEB, 'sg-0other']);
      const tagged = await client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:Name', Values: ['web'] }] }));
      assert.deepEqual(ids(tagged.SecurityGroups), [WEB]);
      const enis = await client.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [DEFAULT_SG] }] }));
      assert.deepEqual(enis.NetworkInterfaces?.map((n) => n.NetworkInterfaceId), ['eni-0elb']);
      const running = await client.send(new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
      assert.deepEqual(running.Reservations?.map((r) => [r.ReservationId, r.Instances?.map((i) => i.InstanceId)]), [['r-01', [INSTANCE]]]);
      const none = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0none'] }] }));
      assert.deepEqual(none.Reservations, []);
      assert.equal(fake.requests[0]?.params['Filter.1.Name'], 'vpc-id');
      assert.equal(fake.requests[0]?.params['Filter.1.Value.1'], VPC);
    } finally {
      client.destroy();
    }
  }));

  test('throttled once, the SDK retries and succeeds', () => withFake({
    fault: (ctx) => (ctx.action === 'DescribeVpcs' && ctx.attempt === 0 ? { kind: 'throttle' } : undefined),
  }, async (fake) => {
    const client = ec2(fake, { maxAttempts: 3 });
    try {
      const out = await client.send(new DescribeVpcsCommand({}));
      assert.deepEqual(out.Vpcs, rich.vpcs);
      assert.equal(out.$metadata.attempts, 2);
      assert.equal(fake.countByAction()['DescribeVpcs'], 2);
      assert.deepEqual(fake.requests.map((r) => r.status), [400, 200]);
    } finally {
      client.destroy();
    }
  }));

  test('injected errors keep their code; 403 is final, 500 is retried', () => withFake({
    fault: (ctx) => (ctx.action === 'DescribeNetworkInterfaces'
      ? { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
      : ctx.action === 'DescribeSubnets' ? { kind: 'error', status: 500, code: 'InternalError' } : undefined),
  }, async (fake) => {
    const client = ec2(fake, { maxAttempts: 2 });
    try {
      const err = await rejectsWith(client.send(new DescribeNetworkInterfacesCommand({})), 'UnauthorizedOperation', 403);
      assert.equal(err.message, 'You are not authorized to perform this operation.');
      await rejectsWith(client.send(new DescribeSubnetsCommand({})), 'InternalError', 500);
      assert.deepEqual(fake.countByAction(), { DescribeNetworkInterfaces: 1, DescribeSubnets: 2 });
    } finally {
      client.destroy();
    }
  }));

  test('signature and credential failures: wrong secret, unknown key, region the account lacks', () => withFake({}, async (fake) => {
    const clients = [
      ec2(fake, { account: { ...accountA, secretAccessKey: 'wrong' } }),
      ec2(fake, { account: { ...accountA, accessKeyId: 'AKIAUNKNOWN000000000' } }),
      ec2(fake, { region: 'ap-south-2' }),
    ] as const;
    try {
      await rejectsWith(clients[0].send(new DescribeSecurityGroupsCommand({})), 'SignatureDoesNotMatch', 403);
      await rejectsWith(clients[1].send(new DescribeSecurityGroupsCommand({})), 'AuthFailure', 401);
      const err = await rejectsWith(clients[2].send(new DescribeSecurityGroupsCommand({})), 'AuthFailure', 401);
      assert.match(err.message, /AWS was not able to validate the provided access credentials/);
      assert.equal(fake.requests.length, 3, 'auth failures are not retried');
      assert.deepEqual(fake.requests.map((r) => r.accountId), ['', '', ACCOUNT]);
    } finally {
      for (const c of clients) c.destroy();
    }
  }));

  test('a mutating action is refused and recorded as a violation, even with bad credentials', () => withFake({}, async (fake) => {
    const good = ec2(fake);
    const bad = ec2(fake, { account: { ...accountA, secretAccessKey: 'wrong' } });
    try {
      const ingress = new AuthorizeSecurityGroupIngressCommand({ GroupId: WEB,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
      await rejectsWith(good.send(ingress), 'UnauthorizedOperation', 403);
      await rejectsWith(bad.send(ingress), 'UnauthorizedOperation', 403);
      assert.equal(fake.violations.length, 2);
      assert.match(fake.violations[0] ?? '', /AuthorizeSecurityGroupIngress .*IpPermissions\.1\.IpRanges\.1\.CidrIp/);
    } finally {
      good.destroy();
      bad.destroy();
    }
  }));

  test('STS GetCallerIdentity returns the account of the signing key', () => withFake({}, async (fake) => {
    const sts = (account: AccountFixture): STSClient => new STSClient({ endpoint: fake.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey } });
    const [a, b] = [sts(accountA), sts(accountB)];
    try {
      const idA = await a.send(new GetCallerIdentityCommand({}));
      assert.equal(idA.Account, ACCOUNT);
      assert.equal(idA.Arn, `arn:aws:iam::${ACCOUNT}:user/sg-audit-test`);
      assert.equal(typeof idA.UserId, 'string');
      assert.equal((await b.send(new GetCallerIdentityCommand({}))).Arn, accountB.arn);
      assert.deepEqual(fake.requests.map((r) => [r.service, r.action, r.status]), [['sts', 'GetCallerIdentity', 200], ['sts', 'GetCallerIdentity', 200]]);
      // The other account's key only sees its own regions.
      const client = ec2(fake, { account: accountB, region: 'ap-southeast-2' });
      assert.deepEqual((await client.send(new DescribeRegionsCommand({}))).Regions?.map((r) => r.RegionName), ['ap-southeast-2']);
      client.destroy();
    } finally {
      a.destroy();
      b.destroy();
    }
  }));

  const badBodies: Record<string, Fault> = {
    DescribeVpcs: { kind: 'malformed' }, DescribeSubnets: { kind: 'truncated' }, DescribeRouteTables: { kind: 'delay', ms: 500 },
  };
  test('malformed, truncated and slow responses fail loudly in the SDK', () => withFake({
    fault: (ctx) => badBodies[ctx.action],
  }, async (fake) => {
    const client = ec2(fake, { maxAttempts: 1, requestHandler: { requestTimeout: 100, throwOnRequestTimeout: true } });
    try {
      const malformed = await rejectsWith(client.send(new DescribeVpcsCommand({})), 'Error');
      assert.match(malformed.message, /XML parse error/);
      const truncated = await rejectsWith(client.send(new DescribeSubnetsCommand({})), 'Error');
      assert.match(truncated.message, /XML parse error/);
      await rejectsWith(client.send(new DescribeRouteTablesCommand({})), 'TimeoutError');
      // Parse errors are not retried (maxAttempts is 1 here anyway); each call reached the fake once.
      assert.deepEqual(fake.countByAction(), { DescribeVpcs: 1, DescribeSubnets: 1, DescribeRouteTables: 1 });
    } finally {
      client.destroy();
    }
  }));

  test('fixtures with members the fake cannot serialize are rejected at start-up', async () => {
    const bad = { ...accountA, regions: { 'eu-west-1': { securityGroups: [{ GroupId: 'sg-1', Bogus: 1 } as SecurityGroup] } } };
    await assert.rejects(startFakeEc2({ accounts: [bad] }), /securityGroups\[0\]\.Bogus is not serialized for SecurityGroup/);
  });
});
