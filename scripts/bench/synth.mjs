// A deterministic synthetic account for the benchmark: N security groups across ~N/50 VPCs, with
// subnets, 5×N network interfaces, ~2.5×N instances (in Reservations), network ACLs, route tables
// and internet (and egress-only) gateways, flow logs,
// the security group rules DescribeSecurityGroupRules lists for those groups (one per source, with
// sgr- ids), the AWS-managed prefix lists the groups use, and the stale references a few of them
// hold. Every id is drawn from one seeded generator, so the same (groups, seed, region) always
// gives the same account, byte for byte.
//
// The data is in the shape `aws ec2 describe-*` prints (PascalCase members, ISO timestamps), kept
// in memory under the keys of the fake endpoint's RegionFixture (securityGroups, networkInterfaces,
// reservations, …). writeCliDir() saves it as the files `sg-audit --input <dir>` reads;
// toFixture() strips the members the fake endpoint does not serialize, for live runs.
//
// What it holds, by design: one default group per VPC (self-referencing ingress, egress to all);
// ~97% of groups keep the default egress-all rule; 1–5 ingress permissions per group, mostly
// private CIDRs and references to groups in use in the same VPC, ~80% of sources with a
// description; ~8% web groups (80/443 from anywhere, a quarter of them from the CloudFront prefix
// list instead); ~3% SSH open to 0.0.0.0/0 (a third of them launch-wizard groups), ~1% RDP, ~2% a
// database port, ~0.5% all traffic; ~10% of the non-default groups attached to nothing; ~0.5%
// reference a group in a peered VPC and ~0.1% a deleted group (the stale ones). Default groups are
// in use in ~15% of the VPCs.
//
// CLI: node scripts/bench/synth.mjs --groups 10000 [--seed 1] [--region us-east-1] [--max-file-mb 400] --out DIR
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const ACCOUNT_ID = '123456789012';

/** mulberry32: small, fast, and good enough to look random; the whole account comes from one stream. */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const HEX = '0123456789abcdef';
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (list) => list[int(list.length)],
    /** Weighted choice: [[value, weight], …]. */
    weighted(pairs) {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of pairs) if ((r -= w) < 0) return value;
      return pairs[pairs.length - 1][0];
    },
    hex(len) {
      let s = '';
      for (let i = 0; i < len; i++) s += HEX[int(16)];
      return s;
    },
  };
}

const PORT_NAMES = { 22: 'SSH', 80: 'HTTP', 443: 'HTTPS', 3389: 'RDP', 5432: 'PostgreSQL', 3306: 'MySQL', 6379: 'Redis', 27017: 'MongoDB', 1433: 'SQL Server', 9200: 'Elasticsearch' };
const DB_PORTS = [5432, 3306, 6379, 27017, 1433, 9200];
const APP_PORTS = [8080, 8443, 3000, 5000, 9000, 9090, 8000, 443, 80, 8081, 4000];
const APPS = ['payments', 'orders', 'catalog', 'search', 'auth', 'billing', 'profile', 'inventory', 'shipping', 'notify', 'reports', 'gateway', 'media', 'ledger', 'checkout', 'cart', 'pricing', 'fraud', 'events', 'etl'];
const ENVS = ['prod', 'staging', 'dev', 'qa', 'shared'];
const AZ_SUFFIXES = ['a', 'b', 'c'];
const INSTANCE_TYPES = ['t3.micro', 't3.small', 't3.medium', 't3.large', 'm5.large', 'm5.xlarge', 'm6i.large', 'c5.xlarge', 'r5.large', 'm6g.large', 'c6g.2xlarge'];
const BASE_TIME = Date.UTC(2023, 0, 1);
const cliTime = (ms) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;

/**
 * One region of a synthetic account, `groups` security groups in all (default groups included).
 * Returns RegionFixture-keyed lists in `aws ec2 describe-*` shape.
 */
export function synthAccount({ groups: total, seed = 1, region = 'us-east-1', accountId = ACCOUNT_ID }) {
  if (!Number.isInteger(total) || total < 2) throw new Error(`synthAccount: groups must be an integer ≥ 2 (got ${total})`);
  const g = generator(seed);
  const owner = accountId;
  const arn = (type, id) => `arn:aws:ec2:${region}:${owner}:${type}/${id}`;
  const time = (maxDays = 700) => cliTime(BASE_TIME + g.int(maxDays * 86400) * 1000);
  const azs = AZ_SUFFIXES.map((s) => `${region}${s}`);
  const azId = (az) => `${region.replace(/^(\w)\w*-(\w)\w*-(\d+)$/, '$1$2$3')}-az${AZ_SUFFIXES.indexOf(az.slice(-1)) + 1}`;

  // --- AWS-managed prefix lists (owner "AWS", no version), the way DescribeManagedPrefixLists lists them.
  const managedList = (name, maxEntries, cidrs) => {
    const id = `pl-${g.hex(8)}`;
    return {
      list: {
        PrefixListId: id, AddressFamily: 'IPv4', State: 'create-complete',
        PrefixListArn: `arn:aws:ec2:${region}:aws:prefix-list/${id}`, PrefixListName: name,
        ...(maxEntries ? { MaxEntries: maxEntries } : {}), Tags: [], OwnerId: 'AWS',
      },
      entries: cidrs.map((Cidr) => ({ Cidr })),
    };
  };
  const s3 = managedList(`com.amazonaws.${region}.s3`, 0, ['3.5.0.0/19', '16.182.0.0/16', '18.34.0.0/19', '52.216.0.0/15', '54.231.0.0/16']);
  const ddb = managedList(`com.amazonaws.${region}.dynamodb`, 0, ['3.218.180.0/22', '35.71.64.0/22', '52.94.0.0/22']);
  const cf = managedList('com.amazonaws.global.cloudfront.origin-facing', 55,
    Array.from({ length: 45 }, (_, i) => `${[13, 15, 18, 52, 54, 64, 70, 99, 108, 120, 130, 204, 205][i % 13]}.${(i * 37) % 250}.${(i * 11) % 256}.0/${[22, 23, 24, 19][i % 4]}`));
  const prefixLists = [s3, ddb, cf];

  // --- VPCs and subnets.
  const vpcCount = Math.max(1, Math.round(total / 50));
  const vpcs = [];
  const vpcInfo = [];
  const subnets = [];
  for (let v = 0; v < vpcCount; v++) {
    const VpcId = `vpc-${g.hex(17)}`;
    const base = `10.${(v >> 4) & 255}.${(v & 15) << 4}`;
    const CidrBlock = `${base}.0/20`;
    const ipv6 = g.chance(0.2) ? `2600:1f18:${g.hex(4)}:${g.hex(2)}00::/56` : undefined;
    const env = ENVS[v % ENVS.length];
    const isDefault = v === 0;
    vpcs.push({
      CidrBlock, DhcpOptionsId: 'dopt-0e4819c703791e65b', State: 'available', VpcId, OwnerId: owner, InstanceTenancy: 'default',
      ...(ipv6 ? { Ipv6CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${g.hex(17)}`, Ipv6CidrBlock: ipv6, Ipv6CidrBlockState: { State: 'associated' }, NetworkBorderGroup: region, Ipv6Pool: 'Amazon' }] } : {}),
      CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${g.hex(17)}`, CidrBlock, CidrBlockState: { State: 'associated' } }],
      IsDefault: isDefault,
      BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
      ...(isDefault ? {} : { Tags: [{ Key: 'Name', Value: `${env}-vpc-${v}` }, { Key: 'Environment', Value: env }, { Key: 'ManagedBy', Value: 'terraform' }] }),
    });
    const vpcSubnets = [];
    for (let s = 0; s < 6; s++) {
      const az = azs[s % 3];
      const isPublic = s < 3;
      const SubnetId = `subnet-${g.hex(17)}`;
      vpcSubnets.push({ id: SubnetId, az, base: `${base.split('.').slice(0, 2).join('.')}.${((v & 15) << 4) + s}`, isPublic });
      subnets.push({
        AvailabilityZone: az, AvailabilityZoneId: azId(az), AvailableIpAddressCount: 100 + g.int(150),
        CidrBlock: `${base.split('.').slice(0, 2).join('.')}.${((v & 15) << 4) + s}.0/24`, DefaultForAz: false,
        MapPublicIpOnLaunch: isPublic, MapCustomerOwnedIpOnLaunch: false, State: 'available', SubnetId, VpcId, OwnerId: owner,
        AssignIpv6AddressOnCreation: false, Ipv6CidrBlockAssociationSet: [], SubnetArn: arn('subnet', SubnetId), EnableDns64: false,
        Ipv6Native: false,
        PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
        Tags: [{ Key: 'Name', Value: `${env}-${isPublic ? 'public' : 'private'}-${az.slice(-1)}` }],
      });
    }
    vpcInfo.push({ id: VpcId, cidr: CidrBlock, ipv6, env, subnets: vpcSubnets, groups: [], defaultGroup: undefined });
  }

  // --- Security groups: one default per VPC, the rest spread unevenly (some VPCs are much busier).
  const securityGroups = [];
  const meta = []; // per group: { vpc, unused, role }
  const pair = (GroupId, description) => ({ ...(description ? { Description: description } : {}), GroupId, UserId: owner });
  const perm = (proto, from, to, { cidrs = [], v6 = [], groups = [], lists = [] } = {}) => ({
    ...(proto === '-1' ? {} : { FromPort: from }),
    IpProtocol: proto,
    IpRanges: cidrs.map(([CidrIp, d]) => ({ CidrIp, ...(d ? { Description: d } : {}) })),
    Ipv6Ranges: v6.map(([CidrIpv6, d]) => ({ CidrIpv6, ...(d ? { Description: d } : {}) })),
    PrefixListIds: lists.map(([PrefixListId, d]) => ({ ...(d ? { Description: d } : {}), PrefixListId })),
    ...(proto === '-1' ? {} : { ToPort: to }),
    UserIdGroupPairs: groups,
  });
  const egressAll = (vpc) => [perm('-1', 0, 0, { cidrs: [['0.0.0.0/0']], v6: vpc.ipv6 ? [['::/0']] : [] })];
  const newGroup = (vpc, name, description, ingress, egress, tags) => {
    const GroupId = `sg-${g.hex(17)}`;
    const group = {
      Description: description, GroupName: name, IpPermissions: ingress, OwnerId: owner, GroupId, IpPermissionsEgress: egress,
      ...(tags.length ? { Tags: tags } : {}), VpcId: vpc.id, SecurityGroupArn: arn('security-group', GroupId),
    };
    securityGroups.push(group);
    vpc.groups.push(group);
    return group;
  };

  for (const vpc of vpcInfo) {
    const d = newGroup(vpc, 'default', 'default VPC security group', [], egressAll(vpc), []);
    d.IpPermissions.push(perm('-1', 0, 0, { groups: [pair(d.GroupId)] }));
    vpc.defaultGroup = d;
    meta.push({ vpc, unused: false, role: 'default', group: d });
  }
  const roles = [['web', 8], ['app', 42], ['db', 12], ['mgmt', 4], ['endpoint', 6], ['lambda', 8], ['cluster', 12], ['misc', 8]];
  let launchWizard = 0;
  for (let i = vpcCount; i < total; i++) {
    const vpc = vpcInfo[Math.min(vpcCount - 1, Math.floor(vpcCount * g.next() ** 1.4))];
    const role = g.weighted(roles);
    const app = g.pick(APPS);
    // Names are unique in a VPC (AWS requires it): the running index keeps them so.
    let name = `${vpc.env}-${app}-${role}-${i}`;
    let description = g.chance(0.45) ? 'Managed by Terraform' : `${role} tier for ${app} (${vpc.env})`;
    const ssh = g.chance(0.03);
    if (ssh && g.chance(1 / 3)) {
      name = `launch-wizard-${++launchWizard}`;
      description = `launch-wizard-${launchWizard} created ${time().slice(0, 19)}.${String(g.int(1000)).padStart(3, '0')}Z`;
    }
    const tags = name.startsWith('launch-wizard') ? [] : [
      { Key: 'Name', Value: name }, ...(g.chance(0.7) ? [{ Key: 'Environment', Value: vpc.env }] : []),
      ...(g.chance(0.5) ? [{ Key: 'Team', Value: app }] : []),
    ];
    const egress = g.chance(0.97) ? egressAll(vpc)
      : g.chance(0.7) ? [perm('tcp', 443, 443, { cidrs: [['0.0.0.0/0', 'HTTPS out']], lists: [[s3.list.PrefixListId, 'S3 gateway endpoint']] })]
      : [];
    const group = newGroup(vpc, name, description, [], egress, tags);
    meta.push({ vpc, unused: g.chance(0.1), role, group, ssh });
  }

  // Ingress, once every group of the VPC exists (so references can point anywhere in it).
  const describe = (text) => (g.chance(0.8) ? text : undefined);
  const privateSource = (vpc) => g.weighted([
    [[vpc.cidr, describe('from VPC')], 40],
    [[`${g.pick(vpc.subnets).base}.0/24`, describe('from private subnet')], 15],
    [['10.0.0.0/8', describe('internal network')], 20],
    [['172.16.0.0/12', describe('on-prem via TGW')], 8],
    [[`10.200.${g.int(256)}.0/24`, describe('corporate VPN')], 10],
    [['192.168.0.0/16', describe('legacy DC')], 7],
  ]);
  const peerOf = (vpc) => vpcInfo.length > 1 ? vpcInfo[(vpcInfo.indexOf(vpc) + 1 + g.int(vpcInfo.length - 1)) % vpcInfo.length] : undefined;
  const staleByGroup = new Map();
  for (const vpc of vpcInfo) vpc.inUse = meta.filter((m) => m.vpc === vpc && !m.unused && m.role !== 'default').map((m) => m.group);
  for (const vpc of vpcInfo) if (vpc.inUse.length === 0) vpc.inUse.push(vpc.defaultGroup);
  for (const m of meta) {
    if (m.role === 'default') continue;
    const { vpc, group } = m;
    // References point at groups in use (an unused group that other rules reference is not unused).
    const siblings = vpc.inUse;
    const n = g.weighted([[1, 35], [2, 30], [3, 18], [4, 10], [5, 7]]);
    const ingress = [];
    for (let k = 0; k < n; k++) {
      const port = m.role === 'db' ? g.pick(DB_PORTS) : m.role === 'web' ? (k === 0 ? 443 : 80)
        : m.role === 'mgmt' ? 22 : m.role === 'cluster' && g.chance(0.3) ? 0 : g.pick(APP_PORTS);
      const label = PORT_NAMES[port] ?? `port ${port}`;
      if (m.role === 'web') {
        if (g.chance(0.25)) {
          ingress.push(perm('tcp', port, port, { lists: [[cf.list.PrefixListId, describe('CloudFront origin-facing')]] }));
        } else {
          ingress.push(perm('tcp', port, port, { cidrs: [['0.0.0.0/0', describe(`${label} from internet`)]], v6: vpc.ipv6 ? [['::/0', describe(`${label} from internet (IPv6)`)]] : [] }));
        }
        continue;
      }
      if (port === 0) {
        ingress.push(perm('tcp', 30000, 32767, { groups: [pair(g.pick(siblings).GroupId, describe('NodePort from cluster'))] }));
        continue;
      }
      const sources = g.weighted([[1, 60], [2, 25], [3, 15]]);
      const cidrs = [];
      const pairs = [];
      for (let s = 0; s < sources; s++) {
        if (m.role === 'mgmt') cidrs.push([`${g.pick(['203.0.113', '198.51.100'])}.${g.int(254) + 1}/32`, describe('SSH from office VPN')]);
        else if (g.chance(0.45)) {
          const target = g.chance(0.1) ? group : g.pick(siblings);
          pairs.push(pair(target.GroupId, describe(`${label} from ${target.GroupName}`)));
        } else cidrs.push(privateSource(vpc));
      }
      const dedup = [...new Map(cidrs.map((c) => [c[0], c])).values()];
      const ranged = g.chance(0.05);
      ingress.push(perm('tcp', port, ranged ? port + 10 + g.int(90) : port, { cidrs: dedup, groups: [...new Map(pairs.map((p) => [p.GroupId, p])).values()] }));
    }
    if (g.chance(0.05)) ingress.push(perm('icmp', -1, -1, { cidrs: [['10.0.0.0/8', describe('ping from internal')]] }));
    // The risky ones, on top of the normal rules (kept within 5 permissions).
    const risky = [];
    if (m.ssh) risky.push(perm('tcp', 22, 22, { cidrs: [['0.0.0.0/0', describe('SSH')]] }));
    if (g.chance(0.01)) risky.push(perm('tcp', 3389, 3389, { cidrs: [['0.0.0.0/0', describe('RDP')]] }));
    if (g.chance(0.02)) {
      const port = g.pick(DB_PORTS);
      risky.push(perm('tcp', port, port, { cidrs: [['0.0.0.0/0', describe(`${PORT_NAMES[port]} temporary`)]] }));
    }
    if (g.chance(0.005)) risky.push(perm('-1', 0, 0, { cidrs: [['0.0.0.0/0', describe('debug: allow all')]] }));
    // A reference across a peering (the VPC becomes a stale-check candidate) or to a deleted group.
    if (g.chance(0.005)) {
      const peer = peerOf(vpc);
      if (peer) {
        const target = g.pick(peer.inUse);
        risky.push(perm('tcp', 443, 443, { groups: [{ Description: describe('from peered VPC'), GroupId: target.GroupId, UserId: owner, VpcId: peer.id, VpcPeeringConnectionId: `pcx-${g.hex(17)}`, PeeringStatus: 'active' }] }));
      }
    }
    if (g.chance(0.001)) {
      const gone = `sg-${g.hex(17)}`;
      const p = perm('tcp', 5432, 5432, { groups: [{ GroupId: gone }] });
      risky.push(p);
      staleByGroup.set(group.GroupId, { group, vpc, perms: [p] });
    }
    group.IpPermissions = [...ingress.slice(0, Math.max(1, 5 - risky.length)), ...risky].slice(0, Math.max(5, risky.length));
    for (const p of group.IpPermissions) {
      for (const pr of p.UserIdGroupPairs) if (pr.Description === undefined) delete pr.Description;
    }
  }
  // Prune undefined descriptions the `describe` helper left in tuples' second slot.
  for (const group of securityGroups) {
    for (const p of [...group.IpPermissions, ...group.IpPermissionsEgress]) {
      for (const r of p.IpRanges) if (r.Description === undefined) delete r.Description;
      for (const r of p.Ipv6Ranges) if (r.Description === undefined) delete r.Description;
      for (const r of p.PrefixListIds) if (r.Description === undefined) delete r.Description;
    }
  }

  // --- Security group rules: one per (permission, source), as DescribeSecurityGroupRules lists them.
  const securityGroupRules = [];
  for (const group of securityGroups) {
    for (const [perms, IsEgress] of [[group.IpPermissions, false], [group.IpPermissionsEgress, true]]) {
      for (const p of perms) {
        const ports = { FromPort: p.FromPort ?? -1, ToPort: p.ToPort ?? -1 };
        const sources = [
          ...p.IpRanges.map((r) => ({ CidrIpv4: r.CidrIp, Description: r.Description })),
          ...p.Ipv6Ranges.map((r) => ({ CidrIpv6: r.CidrIpv6, Description: r.Description })),
          ...p.PrefixListIds.map((r) => ({ PrefixListId: r.PrefixListId, Description: r.Description })),
          ...p.UserIdGroupPairs.map(({ Description, ...ref }) => ({ ReferencedGroupInfo: ref, Description })),
        ];
        for (const { Description, ...source } of sources) {
          const id = `sgr-${g.hex(17)}`;
          securityGroupRules.push({
            SecurityGroupRuleId: id, GroupId: group.GroupId, GroupOwnerId: owner, IsEgress, IpProtocol: p.IpProtocol, ...ports,
            ...source, ...(Description !== undefined ? { Description } : {}), Tags: [], SecurityGroupRuleArn: arn('security-group-rule', id),
          });
        }
      }
    }
  }

  // --- Interfaces and instances: 5 interfaces and 2.5 instances per group of the VPC; half the
  // interfaces are instances' primary ones, the rest Lambda, load balancers, RDS, endpoints, NAT.
  const networkInterfaces = [];
  const reservations = [];
  const defaultInUse = new Set(vpcInfo.filter(() => g.chance(0.15)));
  let pendingReservation;
  for (const vpc of vpcInfo) {
    const attachable = vpc.inUse;
    const count = vpc.groups.length * 5;
    const instanceCount = Math.round(vpc.groups.length * 2.5);
    for (let e = 0; e < count; e++) {
      const subnet = g.pick(vpc.subnets);
      // Every attachable group appears at least once: the first ones go round the list.
      const first = attachable[e % attachable.length];
      const extra = g.weighted([[0, 60], [1, 30], [2, 10]]);
      const chosen = new Map([[first.GroupId, first]]);
      for (let x = 0; x < extra; x++) {
        const other = g.pick(attachable);
        chosen.set(other.GroupId, other);
      }
      if (defaultInUse.has(vpc) && e === 1) chosen.set(vpc.defaultGroup.GroupId, vpc.defaultGroup);
      const groups = [...chosen.values()].map((sg) => ({ GroupId: sg.GroupId, GroupName: sg.GroupName }));
      const ip = `${subnet.base}.${4 + g.int(250)}`;
      const dns = `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
      const id = `eni-${g.hex(17)}`;
      const mac = `0a:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}:${g.hex(2)}`;
      const isInstance = e < instanceCount;
      const publicIp = isInstance && subnet.isPublic && g.chance(0.3) ? `${g.pick([3, 18, 34, 44, 52, 54])}.${g.int(256)}.${g.int(256)}.${1 + g.int(254)}` : undefined;
      const association = publicIp ? { IpOwnerId: 'amazon', PublicDnsName: `ec2-${publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`, PublicIp: publicIp } : undefined;
      const kind = isInstance ? 'instance' : g.weighted([['lambda', 30], ['elb', 25], ['rds', 15], ['endpoint', 14], ['ecs', 9], ['available', 5], ['nat', 2]]);
      const attachTime = time();
      const eni = {
        ...(association ? { Association: association } : {}),
        AvailabilityZone: subnet.az, AvailabilityZoneId: azId(subnet.az), Description: '',
        Groups: kind === 'nat' ? [] : groups, InterfaceType: 'interface', Ipv6Addresses: [], MacAddress: mac, NetworkInterfaceId: id, OwnerId: owner,
        PrivateDnsName: dns, PrivateIpAddress: ip,
        PrivateIpAddresses: [{ ...(association ? { Association: association } : {}), Primary: true, PrivateDnsName: dns, PrivateIpAddress: ip }],
        RequesterManaged: false, SourceDestCheck: true, Status: 'in-use', SubnetId: subnet.id, TagSet: [], VpcId: vpc.id,
        Operator: { Managed: false },
      };
      const managedAttachment = (instanceOwner) => ({
        AttachmentId: `ela-attach-${g.hex(17)}`, DeleteOnTermination: false, DeviceIndex: 1, NetworkCardIndex: 0,
        InstanceOwnerId: instanceOwner, Status: 'attached',
      });
      if (kind === 'lambda') {
        Object.assign(eni, { Attachment: managedAttachment('amazon-aws'), Description: `AWS Lambda VPC ENI-${g.pick(APPS)}-${vpc.env}-fn-${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`,
          InterfaceType: 'lambda', RequesterId: `AROA${g.hex(17).toUpperCase()}:${g.pick(APPS)}-fn`, RequesterManaged: true });
      } else if (kind === 'elb') {
        Object.assign(eni, { Attachment: managedAttachment('amazon-elb'), Description: `ELB app/${vpc.env}-${g.pick(APPS)}-alb/${g.hex(16)}`,
          RequesterId: 'amazon-elb', RequesterManaged: true });
      } else if (kind === 'rds') {
        Object.assign(eni, { Attachment: managedAttachment('amazon-rds'), Description: 'RDSNetworkInterface', RequesterId: 'amazon-rds', RequesterManaged: true });
      } else if (kind === 'endpoint') {
        Object.assign(eni, { Description: `VPC Endpoint Interface vpce-${g.hex(17)}`, InterfaceType: 'vpc_endpoint',
          RequesterId: `${g.int(1e12)}`.padStart(12, '0'), RequesterManaged: true });
      } else if (kind === 'ecs') {
        Object.assign(eni, { Attachment: managedAttachment('amazon-aws'), Description: `arn:aws:ecs:${region}:${owner}:attachment/${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`,
          RequesterId: `${g.int(1e12)}`.padStart(12, '0'), RequesterManaged: true });
      } else if (kind === 'available') {
        Object.assign(eni, { Description: `${g.pick(APPS)} spare interface`, Status: 'available' });
      } else if (kind === 'nat') {
        Object.assign(eni, { Attachment: managedAttachment('amazon-aws'), Description: `Interface for NAT Gateway nat-${g.hex(17)}`,
          InterfaceType: 'nat_gateway', RequesterId: `${g.int(1e12)}`.padStart(12, '0'), RequesterManaged: true, SourceDestCheck: false });
      }
      if (isInstance) {
        const InstanceId = `i-${g.hex(17)}`;
        const stateName = g.weighted([['running', 88], ['stopped', 10], ['stopping', 1], ['pending', 1]]);
        const attachmentId = `eni-attach-${g.hex(17)}`;
        eni.Attachment = { AttachTime: attachTime, AttachmentId: attachmentId, DeleteOnTermination: true, DeviceIndex: 0, NetworkCardIndex: 0, InstanceId, InstanceOwnerId: owner, Status: 'attached' };
        const app = g.pick(APPS);
        const arm = g.chance(0.25);
        const instance = {
          AmiLaunchIndex: 0, ImageId: `ami-${g.hex(17)}`, InstanceId, InstanceType: g.pick(INSTANCE_TYPES), KeyName: `${vpc.env}-${g.int(4) + 2022}`,
          LaunchTime: attachTime, Monitoring: { State: g.chance(0.2) ? 'enabled' : 'disabled' },
          Placement: { AvailabilityZone: subnet.az, GroupName: '', Tenancy: 'default' },
          PrivateDnsName: dns, PrivateIpAddress: ip, ProductCodes: [], PublicDnsName: association?.PublicDnsName ?? '',
          ...(publicIp ? { PublicIpAddress: publicIp } : {}),
          State: { Code: { running: 16, stopped: 80, stopping: 64, pending: 0 }[stateName], Name: stateName },
          StateTransitionReason: stateName === 'stopped' ? `User initiated (${time().slice(0, 19).replace('T', ' ')} GMT)` : '',
          SubnetId: subnet.id, VpcId: vpc.id, Architecture: arm ? 'arm64' : 'x86_64',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { AttachTime: attachTime, DeleteOnTermination: true, Status: 'attached', VolumeId: `vol-${g.hex(17)}` } }],
          ClientToken: `terraform-${g.hex(24)}`, EbsOptimized: true, EnaSupport: true, Hypervisor: 'xen',
          ...(g.chance(0.6) ? { IamInstanceProfile: { Arn: `arn:aws:iam::${owner}:instance-profile/${app}-${vpc.env}`, Id: `AIPA${g.hex(17).toUpperCase()}` } } : {}),
          NetworkInterfaces: [{
            ...(association ? { Association: association } : {}),
            Attachment: { AttachTime: attachTime, AttachmentId: attachmentId, DeleteOnTermination: true, DeviceIndex: 0, Status: 'attached', NetworkCardIndex: 0 },
            Description: '', Groups: groups, Ipv6Addresses: [], MacAddress: mac, NetworkInterfaceId: id, OwnerId: owner, PrivateDnsName: dns,
            PrivateIpAddress: ip, PrivateIpAddresses: [{ ...(association ? { Association: association } : {}), Primary: true, PrivateDnsName: dns, PrivateIpAddress: ip }],
            SourceDestCheck: true, Status: 'in-use', SubnetId: subnet.id, VpcId: vpc.id, InterfaceType: 'interface',
            Operator: { Managed: false },
          }],
          RootDeviceName: '/dev/xvda', RootDeviceType: 'ebs', SecurityGroups: groups, SourceDestCheck: true,
          Tags: [{ Key: 'Name', Value: `${vpc.env}-${app}-${g.int(100)}` }, { Key: 'Environment', Value: vpc.env }, ...(g.chance(0.4) ? [{ Key: 'aws:autoscaling:groupName', Value: `${app}-${vpc.env}-asg` }] : [])],
          VirtualizationType: 'hvm', CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 },
          CapacityReservationSpecification: { CapacityReservationPreference: 'open' }, HibernationOptions: { Configured: false },
          MetadataOptions: { State: 'applied', HttpTokens: g.chance(0.7) ? 'required' : 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled' },
          EnclaveOptions: { Enabled: false }, BootMode: arm ? 'uefi' : 'legacy-bios', PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances',
          UsageOperationUpdateTime: attachTime,
          PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
          MaintenanceOptions: { AutoRecovery: 'default' }, CurrentInstanceBootMode: arm ? 'uefi' : 'legacy-bios',
          Operator: { Managed: false },
        };
        // Reservations: most launches are one instance; an Auto Scaling launch can hold a few.
        if (!pendingReservation || pendingReservation.left === 0 || pendingReservation.vpc !== vpc) {
          pendingReservation = { vpc, left: g.weighted([[1, 70], [2, 15], [3, 10], [4, 5]]),
            reservation: { Groups: [], Instances: [], OwnerId: owner, ReservationId: `r-${g.hex(17)}` } };
          reservations.push(pendingReservation.reservation);
        }
        instance.AmiLaunchIndex = pendingReservation.reservation.Instances.length;
        pendingReservation.reservation.Instances.push(instance);
        pendingReservation.left--;
      }
      networkInterfaces.push(eni);
    }
  }

  // --- Network ACLs: the default allow-all in every VPC; a custom one on public subnets in a fifth of them.
  const entry = (RuleNumber, Egress, RuleAction, Protocol, cidr, extra = {}) => ({
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }), Egress, ...extra, Protocol, RuleAction, RuleNumber,
  });
  const networkAcls = [];
  for (const vpc of vpcInfo) {
    const custom = g.chance(0.2);
    const publicSubnets = vpc.subnets.filter((s) => s.isPublic).map((s) => s.id);
    const assoc = (aclId, ids) => ids.map((SubnetId) => ({ NetworkAclAssociationId: `aclassoc-${g.hex(17)}`, NetworkAclId: aclId, SubnetId }));
    const defaultId = `acl-${g.hex(17)}`;
    const all = (egress) => [entry(100, egress, 'allow', '-1', '0.0.0.0/0'), entry(32767, egress, 'deny', '-1', '0.0.0.0/0'),
      ...(vpc.ipv6 ? [entry(101, egress, 'allow', '-1', '::/0'), entry(32768, egress, 'deny', '-1', '::/0')] : [])];
    networkAcls.push({
      Associations: assoc(defaultId, vpc.subnets.map((s) => s.id).filter((id) => !custom || !publicSubnets.includes(id))),
      Entries: [...all(true), ...all(false)], IsDefault: true, NetworkAclId: defaultId, Tags: [], VpcId: vpc.id, OwnerId: owner,
    });
    if (custom) {
      const id = `acl-${g.hex(17)}`;
      networkAcls.push({
        Associations: assoc(id, publicSubnets),
        Entries: [
          entry(100, true, 'allow', '-1', '0.0.0.0/0'), entry(32767, true, 'deny', '-1', '0.0.0.0/0'),
          entry(90, false, 'deny', '6', '0.0.0.0/0', { PortRange: { From: 22, To: 22 } }),
          entry(100, false, 'allow', '6', '0.0.0.0/0', { PortRange: { From: 443, To: 443 } }),
          entry(110, false, 'allow', '6', '0.0.0.0/0', { PortRange: { From: 80, To: 80 } }),
          entry(120, false, 'allow', '6', '0.0.0.0/0', { PortRange: { From: 1024, To: 65535 } }),
          entry(130, false, 'allow', '1', vpc.cidr, { IcmpTypeCode: { Code: -1, Type: 8 } }),
          entry(32767, false, 'deny', '-1', '0.0.0.0/0'),
        ],
        IsDefault: false, NetworkAclId: id, Tags: [{ Key: 'Name', Value: `${vpc.env}-public-nacl` }], VpcId: vpc.id, OwnerId: owner,
      });
    }
  }

  // --- Flow logs on 70% of the VPCs; a few fail to deliver.
  const flowLogs = [];
  for (const vpc of vpcInfo) {
    if (!g.chance(0.7)) continue;
    const failed = g.chance(0.05);
    const toS3 = g.chance(0.6);
    flowLogs.push({
      CreationTime: cliTime(BASE_TIME + g.int(700 * 86400) * 1000 + 214000).replace('+00:00', '.214000+00:00'),
      ...(failed ? { DeliverLogsErrorMessage: 'Access error' } : {}),
      ...(toS3 ? {} : { DeliverLogsPermissionArn: `arn:aws:iam::${owner}:role/flow-logs-delivery` }),
      DeliverLogsStatus: failed ? 'FAILED' : 'SUCCESS', FlowLogId: `fl-${g.hex(17)}`, FlowLogStatus: 'ACTIVE',
      ...(toS3 ? {} : { LogGroupName: `/vpc/${vpc.env}/flow-logs` }),
      ResourceId: vpc.id, TrafficType: g.chance(0.8) ? 'ALL' : 'REJECT', LogDestinationType: toS3 ? 's3' : 'cloud-watch-logs',
      LogDestination: toS3 ? `arn:aws:s3:::flow-logs-${owner}/${vpc.env}/` : `arn:aws:logs:${region}:${owner}:log-group:/vpc/${vpc.env}/flow-logs`,
      LogFormat: '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
      Tags: [{ Key: 'Name', Value: `${vpc.env}-flow-logs` }], MaxAggregationInterval: 600,
    });
  }

  // --- Stale references: what DescribeStaleSecurityGroups returns for the groups that reference a deleted group.
  const staleSecurityGroups = [...staleByGroup.values()].map(({ group, vpc, perms }) => ({
    Description: group.Description, GroupId: group.GroupId, GroupName: group.GroupName,
    StaleIpPermissions: perms.map((p) => ({ FromPort: p.FromPort, IpProtocol: p.IpProtocol, IpRanges: [], PrefixListIds: [], ToPort: p.ToPort, UserIdGroupPairs: p.UserIdGroupPairs })),
    StaleIpPermissionsEgress: [], VpcId: vpc.id,
  }));

  // --- Routing, drawn last so the rest of the account stays as it was: one internet gateway per
  // VPC; a main table that sends private subnets out through a NAT gateway (IPv6 through an
  // egress-only gateway), and a public table, associated with the public subnets, whose 0.0.0.0/0
  // (and ::/0) go to the internet gateway. The default VPC's main table is the public one.
  const routeTables = [];
  const internetGateways = [];
  const egressOnlyInternetGateways = [];
  const local = (vpc) => [
    { DestinationCidrBlock: vpc.cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
    ...(vpc.ipv6 ? [{ DestinationIpv6CidrBlock: vpc.ipv6, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }] : []),
  ];
  vpcInfo.forEach((vpc, v) => {
    const igw = `igw-${g.hex(17)}`;
    internetGateways.push({ Attachments: [{ State: 'available', VpcId: vpc.id }], InternetGatewayId: igw, OwnerId: owner, Tags: [] });
    const toIgw = [
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, Origin: 'CreateRoute', State: 'active' },
      ...(vpc.ipv6 ? [{ DestinationIpv6CidrBlock: '::/0', GatewayId: igw, Origin: 'CreateRoute', State: 'active' }] : []),
    ];
    const mainId = `rtb-${g.hex(17)}`;
    const mainAssociation = { Main: true, RouteTableAssociationId: `rtbassoc-${g.hex(17)}`, RouteTableId: mainId, AssociationState: { State: 'associated' } };
    if (v === 0) {
      routeTables.push({ Associations: [mainAssociation], PropagatingVgws: [], RouteTableId: mainId, Routes: [...local(vpc), ...toIgw], Tags: [], VpcId: vpc.id, OwnerId: owner });
      return;
    }
    const eigw = vpc.ipv6 ? `eigw-${g.hex(17)}` : undefined;
    if (eigw) egressOnlyInternetGateways.push({ Attachments: [{ State: 'attached', VpcId: vpc.id }], EgressOnlyInternetGatewayId: eigw, Tags: [] });
    routeTables.push({
      Associations: [mainAssociation], PropagatingVgws: [], RouteTableId: mainId, VpcId: vpc.id, OwnerId: owner,
      Routes: [
        ...local(vpc),
        { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: `nat-${g.hex(17)}`, Origin: 'CreateRoute', State: 'active' },
        ...(eigw ? [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: eigw, Origin: 'CreateRoute', State: 'active' }] : []),
      ],
      Tags: [{ Key: 'Name', Value: `${vpc.env}-private` }],
    });
    const publicId = `rtb-${g.hex(17)}`;
    routeTables.push({
      Associations: vpc.subnets.filter((sn) => sn.isPublic).map((sn) => ({
        Main: false, RouteTableAssociationId: `rtbassoc-${g.hex(17)}`, RouteTableId: publicId, SubnetId: sn.id, AssociationState: { State: 'associated' },
      })),
      PropagatingVgws: [], RouteTableId: publicId, Routes: [...local(vpc), ...toIgw], Tags: [{ Key: 'Name', Value: `${vpc.env}-public` }], VpcId: vpc.id, OwnerId: owner,
    });
  });

  return {
    routeTables, internetGateways, egressOnlyInternetGateways,
    securityGroups, networkInterfaces, reservations, vpcs, subnets, networkAcls, flowLogs, securityGroupRules,
    managedPrefixLists: prefixLists.map((p) => p.list),
    prefixListEntries: Object.fromEntries(prefixLists.map((p) => [p.list.PrefixListId, p.entries])),
    staleSecurityGroups,
  };
}

/** The file each list is saved to, and its top-level key (what `aws ec2 describe-*` prints). */
export const CLI_FILES = [
  ['securityGroups', 'describe-security-groups.json', 'SecurityGroups'],
  ['networkInterfaces', 'describe-network-interfaces.json', 'NetworkInterfaces'],
  ['reservations', 'describe-instances.json', 'Reservations'],
  ['vpcs', 'describe-vpcs.json', 'Vpcs'],
  ['subnets', 'describe-subnets.json', 'Subnets'],
  ['networkAcls', 'describe-network-acls.json', 'NetworkAcls'],
  ['flowLogs', 'describe-flow-logs.json', 'FlowLogs'],
  ['securityGroupRules', 'describe-security-group-rules.json', 'SecurityGroupRules'],
  ['managedPrefixLists', 'describe-managed-prefix-lists.json', 'PrefixLists'],
  ['staleSecurityGroups', 'describe-stale-security-groups.json', 'StaleSecurityGroupSet'],
  ['routeTables', 'describe-route-tables.json', 'RouteTables'],
  ['internetGateways', 'describe-internet-gateways.json', 'InternetGateways'],
  ['egressOnlyInternetGateways', 'describe-egress-only-internet-gateways.json', 'EgressOnlyInternetGateways'],
];

/** The VPC an item belongs to, for splitting a list by VPC. */
const vpcOf = (item) => item.VpcId ?? item.Instances?.[0]?.VpcId;

/**
 * Writes `{ "<Key>": [ … ] }` the way the AWS CLI prints it (4-space indent), item by item, never
 * building the whole text as one string. A list whose text passes `maxBytes` is split, at a change
 * of VPC, into `<name>.part-N.json` files: what the same command with `--filters Name=vpc-id,…`
 * prints for a range of VPCs. (A JavaScript string holds at most ~512 MiB, so one file of the
 * describe-instances of a 50k-group account could not be read whole by anyone.)
 * Returns [{ name, bytes, items }] for the files written.
 */
function writeListFile(dir, name, key, items, maxBytes = Infinity) {
  const written = [];
  let fd;
  let part;
  let bytes = 0;
  let count = 0;
  let chunk = '';
  const flush = () => {
    if (chunk) bytes += writeSync(fd, chunk);
    chunk = '';
  };
  const open = (file) => {
    part = file;
    fd = openSync(join(dir, file), 'w');
    bytes = 0;
    count = 0;
    chunk = `{\n    "${key}": [\n`;
  };
  const close = () => {
    chunk = chunk.replace(/,\n$/, '\n') + '    ]\n}\n';
    flush();
    closeSync(fd);
    written.push({ name: part, bytes, items: count });
  };
  if (items.length === 0) {
    const text = `{\n    "${key}": []\n}\n`;
    const fd0 = openSync(join(dir, name), 'w');
    writeSync(fd0, text);
    closeSync(fd0);
    return [{ name, bytes: Buffer.byteLength(text), items: 0 }];
  }
  const base = name.replace(/\.json$/, '');
  let parts = 0;
  open(name);
  try {
    items.forEach((item, i) => {
      if (i > 0 && bytes + chunk.length > maxBytes && vpcOf(item) !== vpcOf(items[i - 1])) {
        close();
        if (parts === 0) {
          // The first part was started under the plain name; from here on every part is numbered.
          renameSync(join(dir, name), join(dir, `${base}.part-1.json`));
          written[0].name = `${base}.part-1.json`;
          parts = 1;
        }
        open(`${base}.part-${++parts}.json`);
      }
      chunk += `        ${JSON.stringify(item, null, 4).replaceAll('\n', '\n        ')},\n`;
      count++;
      if (chunk.length > 1 << 22) flush();
    });
    close();
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return written;
}

/**
 * Saves the account as `aws ec2 describe-*` files in `dir` (lists over `maxFileBytes` split by
 * VPC, see writeListFile); returns { files: [{ name, bytes, items }], bytes }.
 */
export function writeCliDir(dir, account, { maxFileBytes = Infinity } = {}) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [prop, name, key] of CLI_FILES) files.push(...writeListFile(dir, name, key, account[prop] ?? [], maxFileBytes));
  // get-managed-prefix-list-entries output does not name its list: saved under the list's id.
  const referenced = new Set(account.securityGroups.flatMap((g) =>
    [...g.IpPermissions, ...g.IpPermissionsEgress].flatMap((p) => p.PrefixListIds.map((r) => r.PrefixListId))));
  for (const id of [...referenced].sort()) {
    files.push(...writeListFile(dir, `get-managed-prefix-list-entries.${id}.json`, 'Entries', account.prefixListEntries[id] ?? []));
  }
  return { files, bytes: files.reduce((n, f) => n + f.bytes, 0) };
}

const FIXTURE_SHAPES = {
  securityGroups: 'SecurityGroup', securityGroupRules: 'SecurityGroupRule', networkInterfaces: 'NetworkInterface',
  reservations: 'Reservation', vpcs: 'Vpc', subnets: 'Subnet', networkAcls: 'NetworkAcl', managedPrefixLists: 'ManagedPrefixList',
  flowLogs: 'FlowLog', staleSecurityGroups: 'StaleSecurityGroup', routeTables: 'RouteTable', internetGateways: 'InternetGateway',
  egressOnlyInternetGateways: 'EgressOnlyInternetGateway',
};

/**
 * The account as a fake-EC2 RegionFixture: members the fake's wire table does not carry (the
 * CLI prints more than the fake serializes, e.g. an instance's BlockDeviceMappings) are removed.
 * `wireShapes` is WIRE_SHAPES from the compiled fake. Strips the account IN PLACE (a 50k-group
 * account is too large to hold twice) and returns { fixture, dropped }: the same lists under the
 * fixture's keys, and the removed members counted by `Shape.Member`.
 */
export function toFixture(account, wireShapes) {
  const dropped = {};
  const strip = (obj, shape) => {
    const members = wireShapes.get(shape);
    for (const name of Object.keys(obj)) {
      const member = members?.get(name);
      if (!member) {
        dropped[`${shape}.${name}`] = (dropped[`${shape}.${name}`] ?? 0) + 1;
        delete obj[name];
        continue;
      }
      const value = obj[name];
      if (member.shape && value !== null && typeof value === 'object') {
        if (Array.isArray(value)) for (const v of value) strip(v, member.shape);
        else strip(value, member.shape);
      }
    }
    return obj;
  };
  // Objects shared between items (an instance's groups and its interface's) are visited twice; harmless.
  const fixture = {};
  for (const [prop, shape] of Object.entries(FIXTURE_SHAPES)) fixture[prop] = (account[prop] ?? []).map((item) => strip(item, shape));
  fixture.prefixListEntries = Object.fromEntries(Object.entries(account.prefixListEntries ?? {})
    .map(([id, entries]) => [id, entries.map((e) => strip(e, 'PrefixListEntry'))]));
  return { fixture, dropped };
}

/** Item counts, for reports. */
export function countsOf(account) {
  return {
    securityGroups: account.securityGroups.length,
    networkInterfaces: account.networkInterfaces.length,
    reservations: account.reservations.length,
    instances: account.reservations.reduce((n, r) => n + r.Instances.length, 0),
    vpcs: account.vpcs.length,
    subnets: account.subnets.length,
    networkAcls: account.networkAcls.length,
    flowLogs: account.flowLogs.length,
    securityGroupRules: account.securityGroupRules.length,
    managedPrefixLists: account.managedPrefixLists.length,
    staleSecurityGroups: account.staleSecurityGroups.length,
  };
}

// CLI use: write one account's files.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      groups: { type: 'string' }, seed: { type: 'string', default: '1' }, region: { type: 'string', default: 'us-east-1' },
      out: { type: 'string' }, 'max-file-mb': { type: 'string' },
    },
  });
  if (!values.groups || !values.out) {
    console.error('usage: node scripts/bench/synth.mjs --groups N [--seed S] [--region R] [--max-file-mb M] --out DIR');
    process.exit(2);
  }
  const account = synthAccount({ groups: Number(values.groups), seed: Number(values.seed), region: values.region });
  const maxFileBytes = values['max-file-mb'] ? Number(values['max-file-mb']) * 2 ** 20 : Infinity;
  const { files, bytes } = writeCliDir(values.out, account, { maxFileBytes });
  console.log(JSON.stringify({ counts: countsOf(account), bytes, files }, null, 2));
}
