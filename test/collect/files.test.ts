import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadInputs, regionOfZone, type LoadOptions } from '../../src/collect/files.js';
import { serializeSnapshot } from '../../src/collect/snapshot.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import { SgAuditError } from '../../src/errors.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from '../../src/model/kinds.js';
import { normalize } from '../../src/model/normalize.js';
import { ACCOUNT, egressOnlyInternetGateway, eni, group, instance, internetGateway, route, routeTable, snapshot, tcp } from '../helpers/builders.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

// The prefix has an underscore so no temp path component looks like a region or an account id.
const roots: string[] = [];
after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

type Tree = Record<string, unknown>;

/** Writes `tree` (relative path → JSON value, or raw text when a string starting with "RAW:") under a new temp dir. */
function tempTree(tree: Tree): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sgaudit_files_'));
  roots.push(root);
  for (const [rel, content] of Object.entries(tree)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' && content.startsWith('RAW:') ? content.slice(4) : JSON.stringify(content, null, 2));
  }
  return root;
}

const arn = (region: string, id: string, account = ACCOUNT) => `arn:aws:ec2:${region}:${account}:security-group/${id}`;
const sgWithArn = (region: string, id: string) => ({ ...group({ id }), SecurityGroupArn: arn(region, id) });
/** A group that says nothing about its region (no ARN), and no account either. */
const bareGroup = (id: string) => {
  const { OwnerId: _owner, ...rest } = group({ id, ingress: [tcp(22, '0.0.0.0/0')] });
  return rest;
};

/** A comparable summary: per scope, account, region and kinds with their item counts. */
function summary(snap: RawSnapshot): string[] {
  return snap.scopes
    .map((s) => {
      const kinds = Object.entries(s.kinds)
        .map(([kind, result]) => (result.status === 'ok' ? `${kind}=${result.parts.reduce((n, p) => n + p.items.length, 0)}` : `${kind}=error`))
        .sort()
        .join(' ');
      return `${s.accountId ?? '?'}/${s.region}: ${kinds}`;
    })
    .sort();
}

describe('loadInputs: placing files in account × region scopes', () => {
  const cases: {
    name: string;
    input: { tree: Tree; paths?: string[]; options?: LoadOptions };
    expected: { scopes: string[]; warnings?: RegExp[] };
  }[] = [
    {
      name: 'a directory tree acct/us-east-1/{sgs,enis}.json is one scope, region from ARNs and AZs',
      input: {
        tree: {
          'acct/us-east-1/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('us-east-1', 'sg-2')] },
          'acct/us-east-1/enis.json': { NetworkInterfaces: [eni({ groups: ['sg-1'] })] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/us-east-1: networkInterfaces=1 securityGroups=2`] },
    },
    {
      name: 'a file with no region info in a directory named eu-west-1 takes that region',
      input: { tree: { 'eu-west-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } } },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`] },
    },
    {
      name: 'an account-id directory names the account when items do not',
      input: { tree: { '123456789012/eu-west-1/sgs.json': { SecurityGroups: [bareGroup('sg-1')] } } },
      expected: { scopes: ['123456789012/eu-west-1: securityGroups=1'] },
    },
    {
      name: 'an empty SecurityGroups file beside a file with ARNs joins its scope',
      input: {
        tree: {
          'data/sgs.json': { SecurityGroups: [sgWithArn('eu-central-1', 'sg-1')] },
          'data/enis.json': { NetworkInterfaces: [] },
          'data/vpcs.json': { Vpcs: [] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/eu-central-1: networkInterfaces=0 securityGroups=1 vpcs=0`] },
    },
    {
      name: 'an empty {"SecurityGroups": []} beside ENIs with zones joins their scope',
      input: {
        tree: {
          'data/sgs.json': { SecurityGroups: [] },
          'data/enis.json': { NetworkInterfaces: [eni({ groups: ['sg-1'] })] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/us-east-1: networkInterfaces=1 securityGroups=0`] },
    },
    {
      name: 'instances are placed by their Placement.AvailabilityZone',
      input: { tree: { 'data/instances.json': { Reservations: [instance({ groups: ['sg-1'] })] }, 'data/sgs.json': { SecurityGroups: [] } } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: instances=1 securityGroups=0`] },
    },
    {
      name: 'one --region is the fallback when nothing else says',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } }, options: { regions: ['ap-south-1'] } },
      expected: { scopes: [`${ACCOUNT}/ap-south-1: securityGroups=1`] },
    },
    {
      name: 'the data wins over --region for the files it places; --region narrows to its region, saying what it left out',
      input: {
        tree: { 'data/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] }, 'other/sgs.json': { SecurityGroups: [sgWithArn('eu-west-3', 'sg-2')] } },
        options: { regions: ['ap-south-1'] },
      },
      expected: { scopes: [`${ACCOUNT}/ap-south-1: securityGroups=1`], warnings: [/--region: left out region of the input not named: eu-west-3/] },
    },
    {
      name: 'several --region narrow a multi-region input to those regions',
      input: {
        tree: {
          'a/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1')] },
          'b/sgs.json': { SecurityGroups: [sgWithArn('eu-west-1', 'sg-2')] },
          'c/sgs.json': { SecurityGroups: [sgWithArn('ap-south-1', 'sg-3')] },
        },
        options: { regions: ['eu-west-1', 'ap-south-1'] },
      },
      expected: { scopes: [`${ACCOUNT}/ap-south-1: securityGroups=1`, `${ACCOUNT}/eu-west-1: securityGroups=1`], warnings: [/left out region of the input not named: us-east-1/] },
    },
    {
      name: '--region all offline is every region of the input',
      input: { tree: { 'a/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('eu-west-1', 'sg-2')] } }, options: { regions: ['all'] } },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`, `${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
    },
    {
      name: 'no region anywhere: "unknown" with a warning',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } } },
      expected: { scopes: [`${ACCOUNT}/unknown: securityGroups=1`], warnings: [/region of 1 input file\(s\) is not in the data; reported as "unknown" \(pass --region/] },
    },
    {
      name: 'a file mixing two regions (ARNs) splits into exactly two scopes',
      input: {
        tree: {
          'data/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('eu-west-1', 'sg-2'), sgWithArn('us-east-1', 'sg-3')] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`, `${ACCOUNT}/us-east-1: securityGroups=2`], warnings: [] },
    },
    {
      name: 'a file mixing two regions with --region given keeps the region named',
      input: {
        tree: { 'data/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('eu-west-1', 'sg-2')] } },
        options: { regions: ['eu-west-1'] },
      },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`], warnings: [/left out region of the input not named: us-east-1/] },
    },
    {
      name: 'a file mixing two regions inside a region directory',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('eu-west-1', 'sg-2')] } } },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`, `${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
    },
    {
      name: 'items without an ARN follow the region of the file\'s other items',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [sgWithArn('ca-central-1', 'sg-1'), group({ id: 'sg-2' })] } } },
      expected: { scopes: [`${ACCOUNT}/ca-central-1: securityGroups=2`], warnings: [] },
    },
    {
      name: 'two region directories give two scopes',
      input: {
        tree: {
          'acct/us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] },
          'acct/us-west-2/sgs.json': { SecurityGroups: [group({ id: 'sg-2' })] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`, `${ACCOUNT}/us-west-2: securityGroups=1`] },
    },
    {
      name: 'bare array output (--query SecurityGroups) is detected',
      input: { tree: { 'us-east-2/sgs.json': [group({ id: 'sg-1' }), group({ id: 'sg-2' })] } },
      expected: { scopes: [`${ACCOUNT}/us-east-2: securityGroups=2`] },
    },
    {
      name: 'bare array of ENIs is detected',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [] }, 'data/enis.json': [eni({ groups: [] })] } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: networkInterfaces=1 securityGroups=0`] },
    },
    {
      name: 'an unrecognized file inside a directory is skipped with a warning',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] }, 'us-east-1/notes.json': { Foo: 1 } } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [/skipped .*notes\.json: not recognized as aws ec2 describe-\* output \(top-level key Foo\)/] },
    },
    {
      name: 'a recognized but unused file ({"NatGateways": []}) is silently ignored',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] }, 'us-east-1/nats.json': { NatGateways: [] } } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
    },
    {
      name: 'route tables, internet gateways and egress-only gateways are detected by their top-level keys',
      input: {
        tree: {
          'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] },
          'us-east-1/describe-route-tables.json': { RouteTables: [routeTable({ main: true, routes: [route('0.0.0.0/0', 'igw-1')] })] },
          'us-east-1/describe-internet-gateways.json': { InternetGateways: [internetGateway(), internetGateway({ id: 'igw-2' })] },
          'us-east-1/describe-egress-only-internet-gateways.json': { EgressOnlyInternetGateways: [egressOnlyInternetGateway()] },
        },
      },
      expected: { scopes: [`${ACCOUNT}/us-east-1: egressOnlyInternetGateways=1 internetGateways=2 routeTables=1 securityGroups=1`], warnings: [] },
    },
    {
      name: 'bare arrays of route tables, internet gateways and egress-only gateways (--query) are detected',
      input: {
        tree: {
          'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] },
          'us-east-1/rtbs.json': [routeTable({ routes: [] })],
          'us-east-1/igws.json': [internetGateway()],
          'us-east-1/eigws.json': [egressOnlyInternetGateway()],
        },
      },
      expected: { scopes: [`${ACCOUNT}/us-east-1: egressOnlyInternetGateways=1 internetGateways=1 routeTables=1 securityGroups=1`], warnings: [] },
    },
    {
      name: 'non-.json files and dot files are not read',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] }, 'us-east-1/readme.txt': 'RAW:hello', 'us-east-1/.hidden.json': 'RAW:{' } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
    },
    {
      name: 'a BOM-prefixed file parses',
      input: { tree: { 'us-east-1/sgs.json': `RAW:\ufeff${JSON.stringify({ SecurityGroups: [group({ id: 'sg-1' })] })}` } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`] },
    },
    {
      name: 'NextToken: null (a complete CLI page) is fine',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })], NextToken: null } } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`] },
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, async () => {
      const root = tempTree(input.tree);
      const paths = (input.paths ?? ['.']).map((p) => path.join(root, p));
      const snap = await loadInputs(paths, input.options ?? {});
      assert.deepEqual(summary(snap), expected.scopes);
      assert.equal(snap.source, 'file');
      if (expected.warnings) {
        assert.equal(snap.warnings.length, expected.warnings.length, `warnings: ${JSON.stringify(snap.warnings)}`);
        expected.warnings.forEach((re, i) => assert.match(snap.warnings[i] ?? '', re));
      }
    });
  }

  test('origins name the files; inputs list every file read', async () => {
    const root = tempTree({
      'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] },
      'us-east-1/nats.json': { NatGateways: [] },
    });
    const snap = await loadInputs([root]);
    const sgs = snap.scopes[0]?.kinds.securityGroups;
    assert.ok(sgs?.status === 'ok');
    assert.deepEqual(sgs.parts.map((p) => p.origin), [path.join(root, 'us-east-1', 'sgs.json')]);
    assert.deepEqual(snap.inputs, [path.join(root, 'us-east-1', 'nats.json'), path.join(root, 'us-east-1', 'sgs.json')]);
  });

  test('a single file given explicitly', async () => {
    const root = tempTree({ 'eu-north-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } });
    const snap = await loadInputs([path.join(root, 'eu-north-1', 'sgs.json')]);
    assert.deepEqual(summary(snap), [`${ACCOUNT}/eu-north-1: securityGroups=1`]);
  });

  test('kinds present per scope: SGs only → every other kind absent after normalize', async () => {
    const root = tempTree({ 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } });
    const m = normalize(await loadInputs([root]));
    const scope = m.scopes[0];
    assert.ok(scope);
    const states = Object.fromEntries([...scope.kinds].map(([k, v]) => [k, v.state])) as Record<DataKind, string>;
    assert.deepEqual(states, Object.fromEntries(DATA_KINDS.map((k) => [k, k === 'securityGroups' ? 'ok' : 'absent'])));
    assert.equal(m.groups.length, 1);
  });

  test('a snapshot file is loaded through loadInputs too, beside describe-* files', async () => {
    const snapText = serializeSnapshot(snapshot({ region: 'sa-east-1', groups: [group({ id: 'sg-snap' })], failed: { networkInterfaces: 'UnauthorizedOperation' } }), {
      version: '0.1.0',
      collectedAt: '2026-01-01T00:00:00.000Z',
    });
    const root = tempTree({ 'snap.json': `RAW:${snapText}`, 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-file' })] } });
    const snap = await loadInputs([root]);
    assert.deepEqual(summary(snap), [`${ACCOUNT}/sa-east-1: networkInterfaces=error securityGroups=1`, `${ACCOUNT}/us-east-1: securityGroups=1`]);
    const m = normalize(snap);
    assert.deepEqual(m.groups.map((g) => g.id).sort(), ['sg-file', 'sg-snap']);
  });
});

// Raw items of the other kinds, as `aws ec2 describe-*` prints them.
const PL = 'pl-0123456789abcdef0';
const OTHER_ACCOUNT = '222233334444';
const subnetItem = { SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', OwnerId: ACCOUNT, State: 'available' };
const naclItem = {
  NetworkAclId: 'acl-1', VpcId: 'vpc-1', OwnerId: ACCOUNT, IsDefault: true, Associations: [{ NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-1', SubnetId: 'subnet-1' }],
  Entries: [
    { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', PortRange: { From: 22, To: 22 } },
    { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
  ],
};
const flowLogItem = { FlowLogId: 'fl-1', ResourceId: 'vpc-1', FlowLogStatus: 'ACTIVE', DeliverLogsStatus: 'SUCCESS', TrafficType: 'ALL', CreationTime: '2024-03-04T10:30:11.214000+00:00' };
const ruleItem = { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', GroupOwnerId: ACCOUNT, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', Tags: [] };
const prefixListItem = { PrefixListId: PL, PrefixListName: 'office', AddressFamily: 'IPv4', State: 'create-complete', MaxEntries: 10, Version: 2, OwnerId: ACCOUNT };
const entryItems = [{ Cidr: '0.0.0.0/0', Description: 'anyone' }, { Cidr: '192.0.2.0/24' }];
const staleItem = {
  GroupId: 'sg-1', GroupName: 'db', Description: 'db', VpcId: 'vpc-1', StaleIpPermissionsEgress: [],
  StaleIpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: 'sg-gone', VpcId: 'vpc-peer', PeeringStatus: 'deleted' }] }],
};
const entriesFile = `get-managed-prefix-list-entries.${PL}.json`;

describe('loadInputs: every data kind, by top-level key and as a bare list', () => {
  const cases: { kind: DataKind; file: string; items: unknown[]; account?: string }[] = [
    { kind: 'subnets', file: 'describe-subnets.json', items: [subnetItem], account: ACCOUNT },
    { kind: 'networkAcls', file: 'describe-network-acls.json', items: [naclItem], account: ACCOUNT },
    { kind: 'flowLogs', file: 'describe-flow-logs.json', items: [flowLogItem] },
    { kind: 'securityGroupRules', file: 'describe-security-group-rules.json', items: [ruleItem], account: ACCOUNT },
    { kind: 'prefixLists', file: 'describe-managed-prefix-lists.json', items: [prefixListItem], account: ACCOUNT },
    { kind: 'prefixListEntries', file: entriesFile, items: entryItems },
    // Has GroupId and GroupName like a security group: must not be read as one.
    { kind: 'staleSecurityGroups', file: 'describe-stale-security-groups.json', items: [staleItem] },
  ];
  for (const { kind, file, items, account } of cases) {
    // The entries of one list are one item: {PrefixListId (from the file name), Entries}.
    const expected = [`${account ?? '?'}/us-east-1: ${kind}=${kind === 'prefixListEntries' ? 1 : items.length}`];
    const key = DATA_KIND_INFO[kind].resultKey;
    test(`${kind}: {"${key}": [...]} in ${file}`, async () => {
      const snap = await loadInputs([tempTree({ [`us-east-1/${file}`]: { [key]: items } })]);
      assert.deepEqual(summary(snap), expected);
      assert.deepEqual(snap.warnings, []);
      const result = snap.scopes[0]?.kinds[kind];
      assert.ok(result?.status === 'ok');
      const loaded = result.parts.flatMap((p) => p.items);
      assert.deepEqual(loaded, kind === 'prefixListEntries' ? [{ PrefixListId: PL, Entries: items }] : items);
    });
    test(`${kind}: a bare list (--query ${key}) in ${file}`, async () => {
      const snap = await loadInputs([tempTree({ [`us-east-1/${file}`]: items })]);
      assert.deepEqual(summary(snap), expected);
      assert.deepEqual(snap.warnings, []);
    });
    test(`${kind}: an empty {"${key}": []} still marks the kind collected`, async () => {
      const snap = await loadInputs([tempTree({ [`us-east-1/${file}`]: { [key]: [] }, 'us-east-1/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1')] } })]);
      const scope = snap.scopes[0];
      assert.equal(snap.scopes.length, 1);
      assert.equal(scope?.kinds[kind]?.status, 'ok');
    });
  }

  test('the demo account (examples/demo-account) loads every kind, and resolves its prefix lists and sgr- ids', async () => {
    const dir = path.join(REPO_ROOT, 'examples', 'demo-account', 'us-east-1');
    const snap = await loadInputs([dir]);
    assert.deepEqual(snap.warnings, []);
    assert.equal(snap.scopes.length, 1);
    assert.deepEqual(Object.keys(snap.scopes[0]?.kinds ?? {}).sort(), [...DATA_KINDS].sort());
    const m = normalize(snap);
    const viaLists = m.groups.flatMap((g) => g.ingress).filter((p) => p.source.kind === 'prefix-list');
    assert.ok(viaLists.some((p) => p.source.kind === 'prefix-list' && p.source.entries !== undefined), 'some prefix list is resolved from its entries file');
    assert.ok(m.groups.flatMap((g) => g.ingress).some((p) => p.ruleId?.startsWith('sgr-')));
  });
});

describe('loadInputs: prefix-list entries files', () => {
  const cases: { name: string; tree: Tree; expected: { PrefixListId: string; Entries: unknown[] }[] }[] = [
    {
      name: 'the list id comes from the file name (get-managed-prefix-list-entries.<pl-id>.json)',
      tree: { [`us-east-1/${entriesFile}`]: { Entries: entryItems } },
      expected: [{ PrefixListId: PL, Entries: entryItems }],
    },
    {
      name: 'any file name holding the id will do',
      tree: { 'us-east-1/pl-0abcdef12-entries.json': { Entries: [] } },
      expected: [{ PrefixListId: 'pl-0abcdef12', Entries: [] }],
    },
    {
      name: 'a PrefixListId key in the file wins over the name',
      tree: { [`us-east-1/${entriesFile}`]: { PrefixListId: 'pl-0fedcba9876543210', Entries: entryItems } },
      expected: [{ PrefixListId: 'pl-0fedcba9876543210', Entries: entryItems }],
    },
    {
      name: 'a bare list named after its list',
      tree: { [`us-east-1/${entriesFile}`]: entryItems },
      expected: [{ PrefixListId: PL, Entries: entryItems }],
    },
    {
      name: 'two lists, two files: one item each, in one kind',
      tree: {
        [`us-east-1/${entriesFile}`]: { Entries: entryItems },
        'us-east-1/get-managed-prefix-list-entries.pl-11112222.json': { Entries: [{ Cidr: '10.0.0.0/8' }] },
      },
      expected: [{ PrefixListId: PL, Entries: entryItems }, { PrefixListId: 'pl-11112222', Entries: [{ Cidr: '10.0.0.0/8' }] }],
    },
  ];
  for (const { name, tree, expected } of cases) {
    test(name, async () => {
      const snap = await loadInputs([tempTree(tree)]);
      const result = snap.scopes[0]?.kinds.prefixListEntries;
      assert.ok(result?.status === 'ok');
      assert.deepEqual(result.parts.flatMap((p) => p.items), expected);
    });
  }

  test('entries resolve the groups\' pl- sources, named from describe-managed-prefix-lists', async () => {
    const m = normalize(await loadInputs([tempTree({
      'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1', ingress: [tcp(22, PL)] })] },
      'us-east-1/pls.json': { PrefixLists: [prefixListItem] },
      [`us-east-1/${entriesFile}`]: { Entries: entryItems },
    })]));
    const source = m.groups[0]?.ingress[0]?.source;
    assert.equal(source?.kind, 'prefix-list');
    if (source?.kind === 'prefix-list') {
      assert.equal(source.name, 'office');
      assert.deepEqual(source.entries?.map((c) => c.text), ['0.0.0.0/0', '192.0.2.0/24']);
    }
  });

  for (const [name, content] of [['{"Entries": [...]}', { Entries: entryItems }], ['a bare list', entryItems]] as const) {
    test(`entries that do not say their list (${name}) are an input error: exit 2, one line`, async () => {
      const root = tempTree({ 'us-east-1/entries.json': content, 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } });
      await assert.rejects(loadInputs([root]), (error: unknown) => {
        assert.ok(error instanceof SgAuditError);
        assert.equal(error.kind, 'input');
        assert.match(error.message, /entries\.json holds prefix list entries but does not say which list/);
        assert.match(error.hint ?? '', /get-managed-prefix-list-entries\.pl-/);
        return true;
      });
      const run = await runMain(['--input', root, '--format', 'json']);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /^sg-audit: error: .*entries\.json holds prefix list entries but does not say which list/);
    });
  }
});

describe('loadInputs: region and account of the other kinds', () => {
  const cases: { name: string; tree: Tree; expected: string[] }[] = [
    {
      name: 'SubnetArn names the region and the account',
      tree: { 'data/subnets.json': { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', CidrBlock: '10.0.0.0/24',
        SubnetArn: `arn:aws:ec2:eu-west-2:${OTHER_ACCOUNT}:subnet/subnet-1` }] } },
      expected: [`${OTHER_ACCOUNT}/eu-west-2: subnets=1`],
    },
    {
      name: 'an AWS-managed list\'s PrefixListArn names the region; its "aws" account and "AWS" owner are ignored',
      tree: {
        'data/pls.json': { PrefixLists: [{ PrefixListId: PL, PrefixListName: 'com.amazonaws.ap-northeast-1.s3', OwnerId: 'AWS',
          PrefixListArn: `arn:aws:ec2:ap-northeast-1:aws:prefix-list/${PL}` }] },
        'data/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] },
      },
      expected: [`${ACCOUNT}/ap-northeast-1: prefixLists=1 securityGroups=1`],
    },
    {
      name: 'an AWS-managed list alone names no account',
      tree: { 'data/pls.json': { PrefixLists: [{ PrefixListId: PL, PrefixListName: 'com.amazonaws.ap-northeast-1.s3', OwnerId: 'AWS',
        PrefixListArn: `arn:aws:ec2:ap-northeast-1:aws:prefix-list/${PL}` }] } },
      expected: ['?/ap-northeast-1: prefixLists=1'],
    },
    {
      name: 'a customer list\'s 12-digit OwnerId names the account',
      tree: { 'eu-west-1/pls.json': { PrefixLists: [{ ...prefixListItem, OwnerId: OTHER_ACCOUNT }] } },
      expected: [`${OTHER_ACCOUNT}/eu-west-1: prefixLists=1`],
    },
    {
      name: 'SecurityGroupRuleArn names the region and the account',
      tree: { 'data/sgrs.json': { SecurityGroupRules: [{ ...ruleItem, GroupOwnerId: undefined,
        SecurityGroupRuleArn: `arn:aws:ec2:sa-east-1:${OTHER_ACCOUNT}:security-group-rule/sgr-1` }] } },
      expected: [`${OTHER_ACCOUNT}/sa-east-1: securityGroupRules=1`],
    },
    {
      name: 'GroupOwnerId names the account of security group rules',
      tree: { 'ca-central-1/sgrs.json': { SecurityGroupRules: [{ ...ruleItem, GroupOwnerId: OTHER_ACCOUNT }] } },
      expected: [`${OTHER_ACCOUNT}/ca-central-1: securityGroupRules=1`],
    },
    {
      name: 'flow logs, stale groups and entries (no ARNs) follow the other files of their directory',
      tree: {
        'data/sgs.json': { SecurityGroups: [sgWithArn('eu-south-1', 'sg-1')] },
        'data/flow.json': { FlowLogs: [flowLogItem] },
        'data/stale.json': { StaleSecurityGroupSet: [staleItem] },
        [`data/${entriesFile}`]: { Entries: entryItems },
        'data/nacls.json': { NetworkAcls: [naclItem] },
      },
      expected: [`${ACCOUNT}/eu-south-1: flowLogs=1 networkAcls=1 prefixListEntries=1 securityGroups=1 staleSecurityGroups=1`],
    },
    {
      name: 'a flow log\'s DeliverLogsPermissionArn (IAM, no region) names only the account',
      tree: { 'us-west-1/flow.json': { FlowLogs: [{ ...flowLogItem, DeliverLogsPermissionArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/flow-logs` }] } },
      expected: [`${OTHER_ACCOUNT}/us-west-1: flowLogs=1`],
    },
    {
      name: 'a subnet\'s AvailabilityZone names the region when there is no ARN',
      tree: { 'data/subnets.json': { Subnets: [{ ...subnetItem, AvailabilityZone: 'eu-north-1b' }] } },
      expected: [`${ACCOUNT}/eu-north-1: subnets=1`],
    },
  ];
  for (const { name, tree, expected } of cases) {
    test(name, async () => {
      assert.deepEqual(summary(await loadInputs([tempTree(tree)])), expected);
    });
  }
});

describe('loadInputs: errors', () => {
  const cases: { name: string; input: { tree: Tree; paths: string[] }; expected: { message: RegExp; names?: string } }[] = [
    {
      name: 'NextToken present → only the first page',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })], NextToken: 'eyJ2IjoxfQ==' } }, paths: ['.'] },
      expected: { message: /holds only the first page of DescribeSecurityGroups \(it has a NextToken\)/, names: 'us-east-1/sgs.json' },
    },
    {
      name: 'invalid JSON names the file',
      input: { tree: { 'us-east-1/sgs.json': 'RAW:{"SecurityGroups": [' }, paths: ['.'] },
      expected: { message: /is not valid JSON/, names: 'us-east-1/sgs.json' },
    },
    {
      name: 'a missing path',
      input: { tree: {}, paths: ['does-not-exist.json'] },
      expected: { message: /cannot read .*does-not-exist\.json: no such file or directory/ },
    },
    {
      name: 'an explicit unrecognized file',
      input: { tree: { 'other.json': { Foo: 1 } }, paths: ['other.json'] },
      expected: { message: /other\.json is not saved `aws ec2 describe-\*` output or an sg-audit snapshot \(top-level key Foo\)/ },
    },
    {
      name: 'an explicit empty list',
      input: { tree: { 'empty.json': [] }, paths: ['empty.json'] },
      expected: { message: /empty\.json is not saved .*\(an empty list\)/ },
    },
    {
      name: 'a directory with no JSON',
      input: { tree: { 'notes/readme.txt': 'RAW:hi' }, paths: ['notes'] },
      expected: { message: /notes holds no \.json files/ },
    },
    {
      name: 'an empty directory',
      input: { tree: { 'empty/.keep': 'RAW:' }, paths: ['empty'] },
      expected: { message: /empty holds no \.json files/ },
    },
    {
      name: 'a directory with only unrecognized JSON has no security group data',
      input: { tree: { 'd/x.json': { Foo: 1 } }, paths: ['d'] },
      expected: { message: /no security group data in/ },
    },
    {
      name: 'only a recognized but unused file has no security group data',
      input: { tree: { 'nats.json': { NatGateways: [] } }, paths: ['nats.json'] },
      expected: { message: /no security group data in/ },
    },
    {
      name: 'a result key that is not a list',
      input: { tree: { 'sgs.json': { SecurityGroups: { GroupId: 'sg-1' } } }, paths: ['sgs.json'] },
      expected: { message: /sgs\.json: SecurityGroups is not a list/ },
    },
  ];
  for (const { name, input, expected } of cases) {
    test(name, async () => {
      const root = tempTree(input.tree);
      await assert.rejects(
        loadInputs(input.paths.map((p) => path.join(root, p))),
        (error: unknown) => {
          assert.ok(error instanceof SgAuditError, `expected SgAuditError, got ${String(error)}`);
          assert.equal(error.kind, 'input');
          assert.match(error.message, expected.message);
          if (expected.names) assert.ok(error.message.includes(path.join(root, expected.names)), `message names the file: ${error.message}`);
          assert.ok(error.hint && error.hint.length > 0);
          return true;
        },
      );
    });
  }
});

describe('regionOfZone', () => {
  const cases: { name: string; input: string; expected: string | undefined }[] = [
    { name: 'a regular zone', input: 'us-east-1a', expected: 'us-east-1' },
    { name: 'a local zone', input: 'us-west-2-lax-1a', expected: 'us-west-2' },
    { name: 'a wavelength zone', input: 'us-east-1-wl1-bos-wlz-1', expected: 'us-east-1' },
    { name: 'GovCloud', input: 'us-gov-west-1a', expected: 'us-gov-west-1' },
    { name: 'empty', input: '', expected: undefined },
    { name: 'a zone id is not a zone name', input: 'use1-az1', expected: undefined },
  ];
  for (const { name, input, expected } of cases) {
    test(`${name}: ${input}`, () => assert.equal(regionOfZone(input), expected));
  }
});
