import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadInputs, regionOfZone, type LoadOptions } from '../../src/collect/files.js';
import { serializeSnapshot } from '../../src/collect/snapshot.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import { SgAuditError } from '../../src/errors.js';
import type { DataKind } from '../../src/model/kinds.js';
import { normalize } from '../../src/model/normalize.js';
import { ACCOUNT, eni, group, instance, snapshot, tcp } from '../helpers/builders.js';

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
      name: '--region is the fallback when nothing else says',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } }, options: { region: 'ap-south-1' } },
      expected: { scopes: [`${ACCOUNT}/ap-south-1: securityGroups=1`] },
    },
    {
      name: 'the data wins over --region',
      input: { tree: { 'data/sgs.json': { SecurityGroups: [sgWithArn('eu-west-3', 'sg-1')] } }, options: { region: 'ap-south-1' } },
      expected: { scopes: [`${ACCOUNT}/eu-west-3: securityGroups=1`] },
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
      name: 'a file mixing two regions with --region given adds no scope for --region',
      input: {
        tree: { 'data/sgs.json': { SecurityGroups: [sgWithArn('us-east-1', 'sg-1'), sgWithArn('eu-west-1', 'sg-2')] } },
        options: { region: 'ap-south-1' },
      },
      expected: { scopes: [`${ACCOUNT}/eu-west-1: securityGroups=1`, `${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
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
      name: 'a recognized but unused file ({"Subnets": []}) is silently ignored',
      input: { tree: { 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] }, 'us-east-1/subnets.json': { Subnets: [] } } },
      expected: { scopes: [`${ACCOUNT}/us-east-1: securityGroups=1`], warnings: [] },
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
      'us-east-1/subnets.json': { Subnets: [] },
    });
    const snap = await loadInputs([root]);
    const sgs = snap.scopes[0]?.kinds.securityGroups;
    assert.ok(sgs?.status === 'ok');
    assert.deepEqual(sgs.parts.map((p) => p.origin), [path.join(root, 'us-east-1', 'sgs.json')]);
    assert.deepEqual(snap.inputs, [path.join(root, 'us-east-1', 'sgs.json'), path.join(root, 'us-east-1', 'subnets.json')]);
  });

  test('a single file given explicitly', async () => {
    const root = tempTree({ 'eu-north-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } });
    const snap = await loadInputs([path.join(root, 'eu-north-1', 'sgs.json')]);
    assert.deepEqual(summary(snap), [`${ACCOUNT}/eu-north-1: securityGroups=1`]);
  });

  test('kinds present per scope: SGs only → ENIs, instances and VPCs absent after normalize', async () => {
    const root = tempTree({ 'us-east-1/sgs.json': { SecurityGroups: [group({ id: 'sg-1' })] } });
    const m = normalize(await loadInputs([root]));
    const scope = m.scopes[0];
    assert.ok(scope);
    const states = Object.fromEntries([...scope.kinds].map(([k, v]) => [k, v.state])) as Record<DataKind, string>;
    assert.deepEqual(states, { securityGroups: 'ok', networkInterfaces: 'absent', instances: 'absent', vpcs: 'absent' });
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
      input: { tree: { 'subnets.json': { Subnets: [] } }, paths: ['subnets.json'] },
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
