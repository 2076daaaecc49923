// The demo account a day later, and the CloudTrail events that made it so: writes
// examples/demo-account-next/ (the demo account's describe-* files with the changes below applied,
// unchanged files copied as they are) and examples/demo-cloudtrail/ (two CloudTrail log files as a
// trail delivers them, for us-east-1, and `aws cloudtrail lookup-events` output for eu-west-1).
// `npm run demo:next` writes them; test/diff/demo-next.test.ts checks the committed files are this
// script's output. Every kind of change `sg-audit diff` reports is here, each made by a call that
// the events record (one on purpose without any): see examples/demo-account-next/CHANGES.md.
import { gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The AWS CLI's JSON, edited in place: typing every shape it holds would add nothing to a fixture.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export const ACCOUNT = '123456789012';
const REGIONS = ['us-east-1', 'eu-west-1'] as const;
type Region = (typeof REGIONS)[number];

interface RegionFiles {
  groups: Json;
  rules: Json;
  interfaces: Json;
  instances: Json;
}

/** A rule as DescribeSecurityGroupRules shows it. */
interface RuleSpec {
  groupId: string;
  egress?: boolean;
  protocol: string;
  from?: number;
  to?: number;
  cidr?: string;
  cidr6?: string;
  prefixList?: string;
  description?: string;
}

function ruleItem(region: Region, id: string, r: RuleSpec): Json {
  const ports = r.protocol === '-1' ? { FromPort: -1, ToPort: -1 } : { FromPort: r.from, ToPort: r.to };
  return {
    SecurityGroupRuleId: id,
    GroupId: r.groupId,
    GroupOwnerId: ACCOUNT,
    IsEgress: Boolean(r.egress),
    IpProtocol: r.protocol,
    ...ports,
    ...(r.cidr ? { CidrIpv4: r.cidr } : {}),
    ...(r.cidr6 ? { CidrIpv6: r.cidr6 } : {}),
    ...(r.prefixList ? { PrefixListId: r.prefixList } : {}),
    ...(r.description ? { Description: r.description } : {}),
    Tags: [],
    SecurityGroupRuleArn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group-rule/${id}`,
  };
}

const specOf = (item: Json): RuleSpec => ({
  groupId: item['GroupId'],
  egress: item['IsEgress'],
  protocol: item['IpProtocol'],
  ...(item['IpProtocol'] !== '-1' ? { from: item['FromPort'], to: item['ToPort'] } : {}),
  ...(item['CidrIpv4'] ? { cidr: item['CidrIpv4'] } : {}),
  ...(item['CidrIpv6'] ? { cidr6: item['CidrIpv6'] } : {}),
  ...(item['PrefixListId'] ? { prefixList: item['PrefixListId'] } : {}),
  ...(item['Description'] ? { description: item['Description'] } : {}),
});

const samePorts = (perm: Json, r: RuleSpec) => perm['IpProtocol'] === r.protocol && (r.protocol === '-1' || (perm['FromPort'] === r.from && perm['ToPort'] === r.to));

/** The source of a rule in an IpPermission's lists: [list key, entry]. */
function sourceEntry(r: RuleSpec): [string, Json] {
  const d = r.description ? { Description: r.description } : {};
  if (r.cidr) return ['IpRanges', { CidrIp: r.cidr, ...d }];
  if (r.cidr6) return ['Ipv6Ranges', { CidrIpv6: r.cidr6, ...d }];
  return ['PrefixListIds', { ...d, PrefixListId: r.prefixList }];
}

const sourceKey = (entry: Json) => entry['CidrIp'] ?? entry['CidrIpv6'] ?? entry['PrefixListId'] ?? entry['GroupId'];

class Account {
  readonly files: Record<Region, RegionFiles>;
  private nextEvent = 1;
  readonly records: Record<Region, Json[]> = { 'us-east-1': [], 'eu-west-1': [] };

  constructor(readonly demo: string) {
    const read = (region: Region, name: string) => JSON.parse(readFileSync(join(demo, region, name), 'utf8')) as Json;
    this.files = Object.fromEntries(
      REGIONS.map((region) => [
        region,
        {
          groups: read(region, 'describe-security-groups.json'),
          rules: read(region, 'describe-security-group-rules.json'),
          interfaces: read(region, 'describe-network-interfaces.json'),
          instances: read(region, 'describe-instances.json'),
        },
      ]),
    ) as Record<Region, RegionFiles>;
  }

  group(region: Region, id: string): Json {
    const g = this.files[region].groups['SecurityGroups'].find((x: Json) => x['GroupId'] === id);
    if (!g) throw new Error(`no group ${id} in ${region}`);
    return g;
  }

  addRule(region: Region, id: string, r: RuleSpec): void {
    this.files[region].rules['SecurityGroupRules'].push(ruleItem(region, id, r));
    const g = this.group(region, r.groupId);
    const key = r.egress ? 'IpPermissionsEgress' : 'IpPermissions';
    const [list, entry] = sourceEntry(r);
    const perm = g[key].find((p: Json) => samePorts(p, r));
    if (perm) perm[list].push(entry);
    else {
      g[key].push({
        ...(r.protocol !== '-1' ? { FromPort: r.from } : {}),
        IpProtocol: r.protocol,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        ...(r.protocol !== '-1' ? { ToPort: r.to } : {}),
        UserIdGroupPairs: [],
      });
      g[key][g[key].length - 1][list].push(entry);
    }
  }

  spec(region: Region, id: string): RuleSpec {
    const item = (this.files[region].rules['SecurityGroupRules'] as Json[]).find((x) => x['SecurityGroupRuleId'] === id);
    if (!item) throw new Error(`no rule ${id}`);
    return specOf(item);
  }

  removeRule(region: Region, id: string): RuleSpec {
    const rules = this.files[region].rules['SecurityGroupRules'] as Json[];
    const index = rules.findIndex((x) => x['SecurityGroupRuleId'] === id);
    if (index < 0) throw new Error(`no rule ${id}`);
    const [item] = rules.splice(index, 1) as [Json];
    const r = specOf(item);
    const g = this.group(region, r.groupId);
    const key = r.egress ? 'IpPermissionsEgress' : 'IpPermissions';
    const [list, entry] = sourceEntry(r);
    const perm = g[key].find((p: Json) => samePorts(p, r) && p[list].some((e: Json) => sourceKey(e) === sourceKey(entry)));
    perm[list] = perm[list].filter((e: Json) => sourceKey(e) !== sourceKey(entry));
    if (['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'].every((k) => perm[k].length === 0)) g[key] = g[key].filter((p: Json) => p !== perm);
    return r;
  }

  /** ModifySecurityGroupRules: the same id, new content. */
  modifyRule(region: Region, id: string, r: RuleSpec): void {
    const rules = this.files[region].rules['SecurityGroupRules'] as Json[];
    const position = rules.findIndex((x) => x['SecurityGroupRuleId'] === id);
    this.removeRule(region, id);
    this.addRule(region, id, r);
    // Keep the rule where DescribeSecurityGroupRules had it.
    const moved = rules.pop() as Json;
    rules.splice(position, 0, moved);
  }

  createGroup(region: Region, group: Json, egressRuleId: string): void {
    this.files[region].groups['SecurityGroups'].push(group);
    this.files[region].rules['SecurityGroupRules'].push(ruleItem(region, egressRuleId, { groupId: group['GroupId'], egress: true, protocol: '-1', cidr: '0.0.0.0/0' }));
  }

  deleteGroup(region: Region, id: string): void {
    this.files[region].groups['SecurityGroups'] = this.files[region].groups['SecurityGroups'].filter((g: Json) => g['GroupId'] !== id);
    this.files[region].rules['SecurityGroupRules'] = this.files[region].rules['SecurityGroupRules'].filter((r: Json) => r['GroupId'] !== id);
  }

  /** An interface's groups, on the interface and on its instance (the primary interface's are the instance's too). */
  setGroups(region: Region, eniId: string, groupIds: string[]): void {
    const named = groupIds.map((id) => ({ GroupId: id, GroupName: this.group(region, id)['GroupName'] }));
    const eni = this.files[region].interfaces['NetworkInterfaces'].find((e: Json) => e['NetworkInterfaceId'] === eniId);
    eni['Groups'] = named;
    for (const reservation of this.files[region].instances['Reservations']) {
      for (const instance of reservation['Instances']) {
        for (const ni of instance['NetworkInterfaces'] ?? []) {
          if (ni['NetworkInterfaceId'] !== eniId) continue;
          ni['Groups'] = named;
          if (ni['Attachment']?.['DeviceIndex'] === 0) instance['SecurityGroups'] = named;
        }
      }
    }
  }

  /** A CloudTrail record of an EC2 call. */
  event(region: Region, time: string, name: string, actor: Json, from: { ip: string; agent: string }, rp: Json | null, re: Json | null, error?: [string, string]): Json {
    const n = this.nextEvent++;
    const hex = n.toString(16).padStart(12, '0');
    const record: Json = {
      eventVersion: '1.10',
      userIdentity: actor,
      eventTime: time,
      eventSource: 'ec2.amazonaws.com',
      eventName: name,
      awsRegion: region,
      sourceIPAddress: from.ip,
      userAgent: from.agent,
      ...(error ? { errorCode: error[0], errorMessage: error[1] } : {}),
      requestParameters: rp,
      responseElements: re,
      requestID: `5e0c4a7b-1d2e-4f3a-9b8c-${hex}`,
      eventID: `d3a1f6c2-8b4e-4c7d-a5f0-${hex}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `ec2.${region}.amazonaws.com` },
    };
    this.records[region].push(record);
    return record;
  }
}

// ── Who ──────────────────────────────────────────────────────────────────────────────────────

function iamUser(name: string, key: string): Json {
  return { type: 'IAMUser', principalId: `AIDA${key}`, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, accountId: ACCOUNT, accessKeyId: `AKIA${key}`, userName: name };
}

function assumedRole(role: string, session: string, key: string, sourceIdentity?: string): Json {
  return {
    type: 'AssumedRole',
    principalId: `AROA${key}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: `ASIA${key}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROA${key}`, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
      attributes: { creationDate: '2026-01-01T07:58:12Z', mfaAuthenticated: 'true' },
      ...(sourceIdentity ? { sourceIdentity } : {}),
    },
  };
}

const BOB = iamUser('bob', 'X7Q2BOB3EXAMPLE4');
const DAVE = iamUser('dave', 'M3K8DAVE9EXAMPLE');
const FRANK = iamUser('frank', 'R2T6FRANKEXAMPLE');
const MALLORY = iamUser('mallory', 'Z9Y8MALLORYEXMPL');
const ALICE = assumedRole('AcmeAdmin', 'alice@acme.example', 'Q4W5ADMINEXAMPLE', 'alice');
const ERIN = assumedRole('AcmeAdmin', 'erin@acme.example', 'Q4W5ADMINEXAMPLE');
const EVE = assumedRole('AcmeAdmin', 'eve@acme.example', 'Q4W5ADMINEXAMPLE');
const GRACE = assumedRole('AcmeAdmin', 'grace@acme.example', 'Q4W5ADMINEXAMPLE');
const TERRAFORM = assumedRole('terraform-ci', 'gha-acme-infra-4471', 'T8F3TERRAFORMEXA');
const HENRY = assumedRole('AcmeAnalyticsAdmin', 'henry@acme.example', 'H6J2ANALYTICSEXA');

const CONSOLE = { ip: '203.0.113.45', agent: 'AWS Internal' };
const CLI = (ip: string) => ({ ip, agent: 'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#ec2' });
const TF = {
  ip: '3.239.10.20',
  agent:
    'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.198.1',
};

// ── As CloudTrail logs them ──────────────────────────────────────────────────────────────────

const items = (list: Json[]) => ({ items: list });

function loggedPermission(r: RuleSpec, several: RuleSpec[] = [r]): Json {
  const ranges = several.filter((x) => x.cidr).map((x) => ({ cidrIp: x.cidr, ...(x.description ? { description: x.description } : {}) }));
  const ranges6 = several.filter((x) => x.cidr6).map((x) => ({ cidrIpv6: x.cidr6, ...(x.description ? { description: x.description } : {}) }));
  const lists = several.filter((x) => x.prefixList).map((x) => ({ prefixListId: x.prefixList, ...(x.description ? { description: x.description } : {}) }));
  return {
    ipProtocol: r.protocol,
    ...(r.protocol !== '-1' ? { fromPort: r.from, toPort: r.to } : {}),
    groups: {},
    ipRanges: ranges.length ? items(ranges) : {},
    ipv6Ranges: ranges6.length ? items(ranges6) : {},
    prefixListIds: lists.length ? items(lists) : {},
  };
}

function loggedRule(id: string, r: RuleSpec): Json {
  return {
    groupOwnerId: ACCOUNT,
    groupId: r.groupId,
    securityGroupRuleId: id,
    isEgress: Boolean(r.egress),
    ipProtocol: r.protocol,
    fromPort: r.protocol === '-1' ? -1 : r.from,
    toPort: r.protocol === '-1' ? -1 : r.to,
    ...(r.cidr ? { cidrIpv4: r.cidr } : {}),
    ...(r.cidr6 ? { cidrIpv6: r.cidr6 } : {}),
    ...(r.prefixList ? { prefixListId: r.prefixList } : {}),
    ...(r.description ? { description: r.description } : {}),
  };
}

const requestId = (n: number) => `8f2c1e4d-7a6b-4c3d-9e8f-${n.toString(16).padStart(12, '0')}`;

/** The changes, applied to the files and recorded as the calls that made them. */
function applyChanges(a: Account): void {
  const US: Region = 'us-east-1';
  const EU: Region = 'eu-west-1';
  const BASTION = 'sg-0c2359b147c75fde3';

  // 1. Bob adds SSH from his home address to the bastion.
  const bobSsh: RuleSpec = { groupId: BASTION, protocol: 'tcp', from: 22, to: 22, cidr: '198.51.100.7/32', description: 'bob home' };
  a.addRule(US, 'sgr-0b0b5e1f2a3c4d5e6', bobSsh);
  a.event(US, '2026-01-01T08:02:11Z', 'AuthorizeSecurityGroupIngress', BOB, CLI('198.51.100.7'), { groupId: BASTION, ipPermissions: items([loggedPermission(bobSsh)]) }, {
    requestId: requestId(1),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0b0b5e1f2a3c4d5e6', bobSsh)]),
  });

  // 2. Alice opens SSH on the bastion to the whole internet, IPv4 and IPv6, in one call (one IpPermission, two ranges).
  const aliceV4: RuleSpec = { groupId: BASTION, protocol: 'tcp', from: 22, to: 22, cidr: '0.0.0.0/0', description: 'temp: vendor access' };
  const aliceV6: RuleSpec = { groupId: BASTION, protocol: 'tcp', from: 22, to: 22, cidr6: '::/0', description: 'temp: vendor access' };
  a.addRule(US, 'sgr-0a11ce5e1f2a3c4d5', aliceV4);
  a.addRule(US, 'sgr-0a11ce5e1f2a3c4d6', aliceV6);
  a.event(US, '2026-01-01T09:14:37Z', 'AuthorizeSecurityGroupIngress', ALICE, CONSOLE, { groupId: BASTION, ipPermissions: items([loggedPermission(aliceV4, [aliceV4, aliceV6])]) }, {
    requestId: requestId(2),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0a11ce5e1f2a3c4d5', aliceV4), loggedRule('sgr-0a11ce5e1f2a3c4d6', aliceV6)]),
  });

  // 3. Mallory tries RDP on the bastion and is refused: a failed call changes nothing.
  a.event(
    US,
    '2026-01-01T09:20:05Z',
    'AuthorizeSecurityGroupIngress',
    MALLORY,
    CLI('192.0.2.66'),
    { groupId: BASTION, ipPermissions: items([loggedPermission({ groupId: BASTION, protocol: 'tcp', from: 3389, to: 3389, cidr: '0.0.0.0/0' })]) },
    null,
    ['Client.UnauthorizedOperation', 'You are not authorized to perform this operation.'],
  );

  // 4. Terraform opens Elasticsearch on the web tier over IPv6.
  const WEB = 'sg-06d67a18fc6f4933f';
  const es: RuleSpec = { groupId: WEB, protocol: 'tcp', from: 9200, to: 9200, cidr6: '::/0', description: 'search (IPv6)' };
  a.addRule(US, 'sgr-0c7f0e1d2c3b4a596', es);
  a.event(US, '2026-01-01T10:01:44Z', 'AuthorizeSecurityGroupIngress', TERRAFORM, TF, { groupId: WEB, ipPermissions: items([loggedPermission(es)]) }, {
    requestId: requestId(4),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0c7f0e1d2c3b4a596', es)]),
  });

  // 5. Bob revokes the all-traffic rule of acme-staging-debug-open, by its id.
  a.removeRule(US, 'sgr-0dc8cc6c00480b2c8');
  a.event(US, '2026-01-01T10:30:00Z', 'RevokeSecurityGroupIngress', BOB, CLI('198.51.100.7'), { groupId: 'sg-05d300b10aac662d8', securityGroupRuleIds: items([{ securityGroupRuleId: 'sgr-0dc8cc6c00480b2c8' }]) }, {
    requestId: requestId(5),
    _return: true,
  });

  // 6. Dave narrows 8443 on acme-staging-api-direct to the partners' range: the rule keeps its id.
  const narrowed: RuleSpec = { groupId: 'sg-063906f04129875ed', protocol: 'tcp', from: 8443, to: 8443, cidr: '203.0.113.0/24', description: 'api https (partners)' };
  a.modifyRule(US, 'sgr-012831ebbeed7b8e6', narrowed);
  a.event(
    US,
    '2026-01-01T11:05:09Z',
    'ModifySecurityGroupRules',
    DAVE,
    CLI('198.51.100.40'),
    {
      ModifySecurityGroupRulesRequest: {
        GroupId: 'sg-063906f04129875ed',
        SecurityGroupRule: {
          SecurityGroupRuleId: 'sgr-012831ebbeed7b8e6',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, CidrIpv4: '203.0.113.0/24', Description: 'api https (partners)' },
          tag: 1,
        },
      },
    },
    { ModifySecurityGroupRulesResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', requestId: requestId(6), return: true } },
  );

  // 7. Erin rewords the SSH rule of acme-staging-base (by its content: the call names no id).
  const reworded = { ...a.spec(US, 'sgr-0a52863b7855c76dc'), description: 'SSH from corp VPN only' };
  a.modifyRule(US, 'sgr-0a52863b7855c76dc', reworded);
  a.event(US, '2026-01-01T11:40:00Z', 'UpdateSecurityGroupRuleDescriptionsIngress', ERIN, CONSOLE, { groupId: 'sg-0548e43a5cda328d9', ipPermissions: items([loggedPermission(reworded)]) }, {
    requestId: requestId(7),
    _return: true,
  });

  // 8–9. Alice lets the VPC reach Postgres on acme-prod-db; an hour later Bob modifies that rule to the whole internet.
  const DB = 'sg-0ac2f15fce6fc584e';
  const dbVpc: RuleSpec = { groupId: DB, protocol: 'tcp', from: 5432, to: 5432, cidr: '10.0.0.0/8', description: 'Postgres from the VPN' };
  const dbOpen: RuleSpec = { groupId: DB, protocol: 'tcp', from: 5432, to: 5432, cidr: '0.0.0.0/0', description: 'temp: data migration' };
  a.addRule(US, 'sgr-0a11ce9f8e7d6c5b4', dbOpen);
  a.event(US, '2026-01-01T12:00:00Z', 'AuthorizeSecurityGroupIngress', ALICE, CONSOLE, { groupId: DB, ipPermissions: items([loggedPermission(dbVpc)]) }, {
    requestId: requestId(8),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0a11ce9f8e7d6c5b4', dbVpc)]),
  });
  a.event(
    US,
    '2026-01-01T12:45:00Z',
    'ModifySecurityGroupRules',
    BOB,
    CLI('198.51.100.7'),
    {
      ModifySecurityGroupRulesRequest: {
        GroupId: DB,
        SecurityGroupRule: {
          SecurityGroupRuleId: 'sgr-0a11ce9f8e7d6c5b4',
          SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '0.0.0.0/0', Description: 'temp: data migration' },
          tag: 1,
        },
      },
    },
    { ModifySecurityGroupRulesResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', requestId: requestId(9), return: true } },
  );

  // 10–12. Eve creates a group for a Redis debug session, opens 6379 to everyone and puts it on acme-prod-cron-1.
  const REDIS = 'sg-0e5e1a2b3c4d5e6f7';
  a.createGroup(
    US,
    {
      Description: 'redis debugging (eve)',
      GroupName: 'acme-prod-redis-debug',
      IpPermissions: [],
      OwnerId: ACCOUNT,
      GroupId: REDIS,
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      VpcId: 'vpc-09c15a6928144ef8e',
      SecurityGroupArn: `arn:aws:ec2:${US}:${ACCOUNT}:security-group/${REDIS}`,
    },
    'sgr-0e5e0a1b2c3d4e5f6',
  );
  a.event(US, '2026-01-01T13:10:00Z', 'CreateSecurityGroup', EVE, CONSOLE, { groupName: 'acme-prod-redis-debug', groupDescription: 'redis debugging (eve)', vpcId: 'vpc-09c15a6928144ef8e' }, {
    requestId: requestId(10),
    _return: true,
    groupId: REDIS,
    securityGroupArn: `arn:aws:ec2:${US}:${ACCOUNT}:security-group/${REDIS}`,
  });
  const redis: RuleSpec = { groupId: REDIS, protocol: 'tcp', from: 6379, to: 6379, cidr: '0.0.0.0/0' };
  a.addRule(US, 'sgr-0e5e0a1b2c3d4e5f7', redis);
  a.event(US, '2026-01-01T13:11:30Z', 'AuthorizeSecurityGroupIngress', EVE, CONSOLE, { groupId: REDIS, ipPermissions: items([loggedPermission(redis)]) }, {
    requestId: requestId(11),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0e5e0a1b2c3d4e5f7', redis)]),
  });
  a.setGroups(US, 'eni-01bffc91bb5144398', ['sg-0c80d06643b3e7e8e', REDIS]);
  a.event(US, '2026-01-01T13:12:10Z', 'ModifyNetworkInterfaceAttribute', EVE, CONSOLE, { networkInterfaceId: 'eni-01bffc91bb5144398', groupSet: items([{ groupId: 'sg-0c80d06643b3e7e8e' }, { groupId: REDIS }]) }, {
    requestId: requestId(12),
    _return: true,
  });

  // 13. Bob deletes the unused launch-wizard-3.
  a.deleteGroup(US, 'sg-00ac8398f1d4d5c5d');
  a.event(US, '2026-01-01T13:50:00Z', 'DeleteSecurityGroup', BOB, CLI('198.51.100.7'), { groupId: 'sg-00ac8398f1d4d5c5d' }, { requestId: requestId(13), _return: true, groupId: 'sg-00ac8398f1d4d5c5d' });

  // 14. Frank puts acme-prod-ops-ssh-v6 (tcp 22 from ::/0) on acme-prod-web-2, through the instance.
  const web2Groups = [WEB, 'sg-0ca97595c0036c782', 'sg-05cd98d6a9b2df51e'];
  a.setGroups(US, 'eni-0a558b36828b9a692', web2Groups);
  a.event(US, '2026-01-01T14:20:00Z', 'ModifyInstanceAttribute', FRANK, CLI('198.51.100.61'), { instanceId: 'i-0cdd9f042aa560b88', groupSet: items(web2Groups.map((groupId) => ({ groupId }))) }, {
    requestId: requestId(14),
    _return: true,
  });

  // 15. Grace takes acme-prod-legacy-allow-all off acme-prod-reporting-legacy.
  a.setGroups(US, 'eni-0ddd487fd755f472a', ['sg-08fa9296082fded0a']);
  a.event(US, '2026-01-01T14:55:00Z', 'ModifyNetworkInterfaceAttribute', GRACE, CONSOLE, { networkInterfaceId: 'eni-0ddd487fd755f472a', groupSet: items([{ groupId: 'sg-08fa9296082fded0a' }]) }, {
    requestId: requestId(15),
    _return: true,
  });

  // 16. Terraform launches a third web server.
  launchWeb3(a);

  // 17. Someone widens the preview environments by one port: no event records it (CloudTrail data does not reach it).
  a.addRule(US, 'sgr-0f1e2d3c4b5a69788', { groupId: 'sg-00c8e90fd5e118937', protocol: 'tcp', from: 3011, to: 3011, cidr: '0.0.0.0/0', description: 'preview environment 11' });

  // eu-west-1: 18–19. Terraform replaces the MongoDB rule: revoked, then added again under a new id.
  const MONGO = 'sg-057158d39c21d4802';
  const mongo = a.removeRule(EU, 'sgr-091b2ce04f903bd54');
  a.event(EU, '2026-01-01T09:00:00Z', 'RevokeSecurityGroupIngress', TERRAFORM, TF, { groupId: MONGO, securityGroupRuleIds: items([{ securityGroupRuleId: 'sgr-091b2ce04f903bd54' }]) }, {
    requestId: requestId(18),
    _return: true,
    revokedSecurityGroupRuleSet: items([loggedRule('sgr-091b2ce04f903bd54', mongo)]),
  });
  a.addRule(EU, 'sgr-0d2f4a6b8c0e1f3a5', mongo);
  a.event(EU, '2026-01-01T09:00:02Z', 'AuthorizeSecurityGroupIngress', TERRAFORM, TF, { groupId: MONGO, ipPermissions: items([loggedPermission(mongo)]) }, {
    requestId: requestId(19),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0d2f4a6b8c0e1f3a5', mongo)]),
  });

  // 20–21. Henry moves Kibana from the viewers' prefix list (which holds 0.0.0.0/0) to the office's.
  const KIBANA = 'sg-0c8446313647e61f7';
  const viewers = a.removeRule(EU, 'sgr-037e7b680b945602d');
  a.event(EU, '2026-01-01T09:30:00Z', 'RevokeSecurityGroupIngress', HENRY, CONSOLE, { groupId: KIBANA, ipPermissions: items([loggedPermission(viewers)]) }, { requestId: requestId(20), _return: true });
  const office: RuleSpec = { groupId: KIBANA, protocol: 'tcp', from: 5601, to: 5601, prefixList: 'pl-001e3c9b80f22a695', description: 'Kibana from the office' };
  a.addRule(EU, 'sgr-0e8a6c4e2a0c8e6a4', office);
  a.event(EU, '2026-01-01T09:30:30Z', 'AuthorizeSecurityGroupIngress', HENRY, CONSOLE, { groupId: KIBANA, ipPermissions: items([loggedPermission(office)]) }, {
    requestId: requestId(21),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0e8a6c4e2a0c8e6a4', office)]),
  });

  // 22. Henry lets the ETL jobs reach MongoDB inside the VPC (an egress rule).
  const etl: RuleSpec = { groupId: 'sg-0b79922e0c13b3bbf', egress: true, protocol: 'tcp', from: 27017, to: 27017, cidr: '10.20.0.0/16', description: 'MongoDB in VPC' };
  a.addRule(EU, 'sgr-0e1b3d5f7a9c1e3b5', etl);
  a.event(EU, '2026-01-01T10:00:00Z', 'AuthorizeSecurityGroupEgress', HENRY, CONSOLE, { groupId: 'sg-0b79922e0c13b3bbf', ipPermissions: items([loggedPermission(etl)]) }, {
    requestId: requestId(22),
    _return: true,
    securityGroupRuleSet: items([loggedRule('sgr-0e1b3d5f7a9c1e3b5', etl)]),
  });
}

/** RunInstances of acme-prod-web-3: a copy of web-1 with its own ids, address and the web group only. */
function launchWeb3(a: Account): void {
  const US: Region = 'us-east-1';
  const INSTANCE = 'i-0a7e3b9c1d5f24680';
  const ENI = 'eni-0b5c8d2e4f6a13579';
  const IP = '3.92.41.7';
  const PRIVATE = '10.0.0.87';
  const WEB = [{ GroupId: 'sg-06d67a18fc6f4933f', GroupName: 'acme-prod-web' }];
  const files = a.files[US];
  const template = files.instances['Reservations'].find((r: Json) => r['Instances'][0]['InstanceId'] === 'i-0e1a05962004430e0');
  const association = { IpOwnerId: 'amazon', PublicDnsName: `ec2-${IP.replaceAll('.', '-')}.compute-1.amazonaws.com`, PublicIp: IP };
  const instance: Json = structuredClone(template['Instances'][0]);
  Object.assign(instance, {
    InstanceId: INSTANCE,
    LaunchTime: '2026-01-01T15:30:12+00:00',
    PrivateDnsName: `ip-${PRIVATE.replaceAll('.', '-')}.ec2.internal`,
    PrivateIpAddress: PRIVATE,
    PublicDnsName: association.PublicDnsName,
    PublicIpAddress: IP,
    SecurityGroups: WEB,
    ClientToken: 'terraform-20260101153011000000000001',
    Tags: [
      { Key: 'Name', Value: 'acme-prod-web-3' },
      { Key: 'Environment', Value: 'prod' },
      { Key: 'Role', Value: 'web' },
    ],
  });
  delete instance['Ipv6Address'];
  instance['BlockDeviceMappings'][0]['Ebs'] = { ...instance['BlockDeviceMappings'][0]['Ebs'], AttachTime: '2026-01-01T15:30:12+00:00', VolumeId: 'vol-0c4e6a8b0d2f41357' };
  const ni = instance['NetworkInterfaces'][0];
  Object.assign(ni, {
    Association: association,
    Attachment: { ...ni['Attachment'], AttachTime: '2026-01-01T15:30:12+00:00', AttachmentId: 'eni-attach-0d3f5b7a9c1e24680' },
    Groups: WEB,
    Ipv6Addresses: [],
    MacAddress: '0a:5c:8d:2e:4f:6a',
    NetworkInterfaceId: ENI,
    PrivateDnsName: instance['PrivateDnsName'],
    PrivateIpAddress: PRIVATE,
    PrivateIpAddresses: [{ Association: association, Primary: true, PrivateDnsName: instance['PrivateDnsName'], PrivateIpAddress: PRIVATE }],
  });
  files.instances['Reservations'].push({ Groups: [], Instances: [instance], OwnerId: ACCOUNT, ReservationId: 'r-0e6a2c4b8d0f13579' });

  const eniTemplate = files.interfaces['NetworkInterfaces'].find((e: Json) => e['NetworkInterfaceId'] === 'eni-0cba3d7bad0799b38');
  const eni: Json = structuredClone(eniTemplate);
  Object.assign(eni, {
    Association: association,
    Attachment: { ...eni['Attachment'], AttachTime: '2026-01-01T15:30:12+00:00', AttachmentId: 'eni-attach-0d3f5b7a9c1e24680', InstanceId: INSTANCE },
    Groups: WEB,
    Ipv6Addresses: [],
    MacAddress: '0a:5c:8d:2e:4f:6a',
    NetworkInterfaceId: ENI,
    PrivateDnsName: instance['PrivateDnsName'],
    PrivateIpAddress: PRIVATE,
    PrivateIpAddresses: [{ Association: association, Primary: true, PrivateDnsName: instance['PrivateDnsName'], PrivateIpAddress: PRIVATE }],
  });
  files.interfaces['NetworkInterfaces'].push(eni);

  a.event(
    US,
    '2026-01-01T15:30:11Z',
    'RunInstances',
    TERRAFORM,
    TF,
    {
      instancesSet: items([{ imageId: instance['ImageId'], minCount: 1, maxCount: 1 }]),
      instanceType: instance['InstanceType'],
      blockDeviceMapping: {},
      availabilityZone: 'us-east-1a',
      monitoring: { enabled: false },
      subnetId: instance['SubnetId'],
      disableApiTermination: false,
      clientToken: instance['ClientToken'],
      groupSet: items([{ groupId: 'sg-06d67a18fc6f4933f' }]),
      tagSpecificationSet: items([{ resourceType: 'instance', tags: items([{ key: 'Name', value: 'acme-prod-web-3' }]) }]),
    },
    {
      requestId: requestId(16),
      reservationId: 'r-0e6a2c4b8d0f13579',
      ownerId: ACCOUNT,
      groupSet: {},
      instancesSet: items([
        {
          instanceId: INSTANCE,
          imageId: instance['ImageId'],
          instanceState: { code: 0, name: 'pending' },
          privateIpAddress: PRIVATE,
          subnetId: instance['SubnetId'],
          vpcId: instance['VpcId'],
          groupSet: items([{ groupId: 'sg-06d67a18fc6f4933f', groupName: 'acme-prod-web' }]),
          networkInterfaceSet: items([
            {
              networkInterfaceId: ENI,
              subnetId: instance['SubnetId'],
              vpcId: instance['VpcId'],
              ownerId: ACCOUNT,
              status: 'in-use',
              privateIpAddress: PRIVATE,
              groupSet: items([{ groupId: 'sg-06d67a18fc6f4933f', groupName: 'acme-prod-web' }]),
              attachment: { attachmentId: 'eni-attach-0d3f5b7a9c1e24680', deviceIndex: 0, status: 'attaching', deleteOnTermination: true },
              interfaceType: 'interface',
            },
          ]),
        },
      ]),
    },
  );
}

/** Records CloudTrail would deliver in the same files: calls sg-audit does not read, for it to skip. */
function otherRecords(region: Region): Json[] {
  return [
    {
      eventVersion: '1.10',
      userIdentity: BOB,
      eventTime: '2026-01-01T08:01:02Z',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeSecurityGroups',
      awsRegion: region,
      sourceIPAddress: '198.51.100.7',
      userAgent: CLI('198.51.100.7').agent,
      requestParameters: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} },
      responseElements: null,
      requestID: requestId(100),
      eventID: 'd3a1f6c2-8b4e-4c7d-a5f0-0000000000ff',
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
    {
      eventVersion: '1.10',
      userIdentity: ALICE,
      eventTime: '2026-01-01T09:10:00Z',
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPolicy',
      awsRegion: region,
      sourceIPAddress: '203.0.113.45',
      userAgent: 'AWS Internal',
      requestParameters: { bucketName: 'acme-reports' },
      responseElements: null,
      requestID: requestId(101),
      eventID: 'd3a1f6c2-8b4e-4c7d-a5f0-0000000000fe',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  ];
}

const stringify = (value: unknown) => `${JSON.stringify(value, null, 4)}\n`;

/** Every file of examples/demo-account-next/ and examples/demo-cloudtrail/, by path relative to examples/. */
export function demoNext(examples: string): Map<string, string | Buffer> {
  const demo = join(examples, 'demo-account');
  const a = new Account(demo);
  applyChanges(a);
  const out = new Map<string, string | Buffer>();
  const changed: Record<string, keyof RegionFiles> = {
    'describe-security-groups.json': 'groups',
    'describe-security-group-rules.json': 'rules',
    'describe-network-interfaces.json': 'interfaces',
    'describe-instances.json': 'instances',
  };
  for (const region of REGIONS) {
    for (const name of readdirSync(join(demo, region)).sort()) {
      const kind = changed[name];
      out.set(join('demo-account-next', region, name), kind ? stringify(a.files[region][kind]) : readFileSync(join(demo, region, name), 'utf8'));
    }
  }
  out.set(join('demo-account-next', 'CHANGES.md'), CHANGES);

  // us-east-1 as a trail delivers it: two log files (records in no particular order), gzipped.
  const us = [...a.records['us-east-1'], ...otherRecords('us-east-1')];
  const morning = us.filter((r) => r['eventTime'] < '2026-01-01T12:00:00Z');
  const afternoon = us.filter((r) => r['eventTime'] >= '2026-01-01T12:00:00Z');
  // gzip's header holds no time, so the bytes depend only on the text.
  out.set(join('demo-cloudtrail', `${ACCOUNT}_CloudTrail_us-east-1_20260101T1205Z_4kz0Ahx3vL9kQmAa.json.gz`), gzipSync(JSON.stringify({ Records: morning.reverse() })));
  out.set(join('demo-cloudtrail', `${ACCOUNT}_CloudTrail_us-east-1_20260101T1535Z_Pq7rS2tUv9wXy1Zb.json.gz`), gzipSync(JSON.stringify({ Records: afternoon })));
  // eu-west-1 as `aws cloudtrail lookup-events --region eu-west-1 --output json` prints it: newest first.
  const eu = [...a.records['eu-west-1']].reverse();
  out.set(
    join('demo-cloudtrail', 'lookup-events.eu-west-1.json'),
    stringify({
      Events: eu.map((r) => ({
        EventId: r['eventID'],
        EventName: r['eventName'],
        ReadOnly: 'false',
        AccessKeyId: r['userIdentity']['accessKeyId'],
        EventTime: `${String(r['eventTime']).replace('Z', '')}+00:00`,
        EventSource: 'ec2.amazonaws.com',
        Username: r['userIdentity']['arn'].split('/').pop(),
        Resources: r['requestParameters']?.['groupId'] ? [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: r['requestParameters']['groupId'] }] : [],
        CloudTrailEvent: JSON.stringify(r),
      })),
    }),
  );
  return out;
}

const CHANGES = `# The demo account a day later

\`examples/demo-account-next/\` is \`examples/demo-account/\` after one day of changes, and
\`examples/demo-cloudtrail/\` holds the CloudTrail events that made them: two log files of us-east-1
as a trail delivers them to S3, and \`aws cloudtrail lookup-events\` output for eu-west-1. Both are
written by \`npm run demo:next\` (scripts/demo-next.ts); the tests check they are its output.

\`\`\`sh
sg-audit diff examples/demo-account examples/demo-account-next --cloudtrail examples/demo-cloudtrail
\`\`\`

| # | when (UTC, 2026-01-01) | who | call | change |
| --- | --- | --- | --- | --- |
| 1 | 08:02 | IAM user bob | AuthorizeSecurityGroupIngress | acme-prod-bastion: tcp 22 from 198.51.100.7/32 |
| 2 | 09:14 | alice@acme.example (role AcmeAdmin, source identity alice), console | AuthorizeSecurityGroupIngress | acme-prod-bastion: tcp 22 from 0.0.0.0/0 and from ::/0, one call, two rules |
| 3 | 09:20 | IAM user mallory | AuthorizeSecurityGroupIngress, **refused** | nothing (a failed call changes nothing) |
| 4 | 10:01 | role terraform-ci, Terraform | AuthorizeSecurityGroupIngress | acme-prod-web: tcp 9200 from ::/0 (IPv6) |
| 5 | 10:30 | bob | RevokeSecurityGroupIngress (by sgr- id) | acme-staging-debug-open: all traffic from 0.0.0.0/0 removed |
| 6 | 11:05 | IAM user dave | ModifySecurityGroupRules | acme-staging-api-direct: tcp 8443 from 0.0.0.0/0 → from 203.0.113.0/24, same sgr- id |
| 7 | 11:40 | erin@acme.example, console | UpdateSecurityGroupRuleDescriptionsIngress | acme-staging-base: the SSH rule's description |
| 8 | 12:00 | alice | AuthorizeSecurityGroupIngress | acme-prod-db: tcp 5432 from 10.0.0.0/8 … |
| 9 | 12:45 | bob | ModifySecurityGroupRules | … the same rule modified to tcp 5432 from 0.0.0.0/0 |
| 10 | 13:10 | eve@acme.example | CreateSecurityGroup | acme-prod-redis-debug (with the default egress rule) |
| 11 | 13:11 | eve | AuthorizeSecurityGroupIngress | acme-prod-redis-debug: tcp 6379 from 0.0.0.0/0 |
| 12 | 13:12 | eve | ModifyNetworkInterfaceAttribute | acme-prod-redis-debug put on acme-prod-cron-1's interface |
| 13 | 13:50 | bob | DeleteSecurityGroup | launch-wizard-3 deleted |
| 14 | 14:20 | IAM user frank | ModifyInstanceAttribute | acme-prod-ops-ssh-v6 put on acme-prod-web-2 (SSH over IPv6 now reaches it) |
| 15 | 14:55 | grace@acme.example | ModifyNetworkInterfaceAttribute | acme-prod-legacy-allow-all taken off acme-prod-reporting-legacy |
| 16 | 15:30 | terraform-ci | RunInstances | acme-prod-web-3 launched with acme-prod-web (a new interface, public IPv4) |
| 17 | — | nobody the data shows | — | acme-staging-preview-envs: tcp 3011 from 0.0.0.0/0 added; no event matches it |
| 18 | eu-west-1 09:00 | terraform-ci | RevokeSecurityGroupIngress | acme-analytics-mongo: tcp 27017 from 0.0.0.0/0 revoked … |
| 19 | eu-west-1 09:00 | terraform-ci | AuthorizeSecurityGroupIngress | … and added again under a new sgr- id (re-created) |
| 20 | eu-west-1 09:30 | henry@acme.example | RevokeSecurityGroupIngress (by content) | acme-analytics-kibana: tcp 5601 from prefix list pl-0ff2c61dbb8582550 (which holds 0.0.0.0/0) |
| 21 | eu-west-1 09:30 | henry | AuthorizeSecurityGroupIngress | acme-analytics-kibana: tcp 5601 from prefix list pl-001e3c9b80f22a695 (the office) |
| 22 | eu-west-1 10:00 | henry | AuthorizeSecurityGroupEgress | acme-analytics-etl: egress tcp 27017 to 10.20.0.0/16 |

The log files also hold calls sg-audit does not read (DescribeSecurityGroups, an S3 call), which it
skips.
`;

// Run directly: write the files into examples/.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
  for (const dir of ['demo-account-next', 'demo-cloudtrail']) rmSync(join(examples, dir), { recursive: true, force: true });
  for (const [path, content] of demoNext(examples)) {
    mkdirSync(dirname(join(examples, path)), { recursive: true });
    writeFileSync(join(examples, path), content);
  }
  console.log(`wrote ${join(examples, 'demo-account-next')} and ${join(examples, 'demo-cloudtrail')}`);
}
