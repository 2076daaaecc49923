import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadInputs } from '../../src/collect/files.js';
import { parseSnapshot, serializeSnapshot, SNAPSHOT_MARKER, SNAPSHOT_VERSION } from '../../src/collect/snapshot.js';
import type { RawScope, RawSnapshot } from '../../src/collect/types.js';
import { SgAuditError } from '../../src/errors.js';
import { normalize } from '../../src/model/normalize.js';
import { ACCOUNT, eni, group, tcp } from '../helpers/builders.js';

const META = { version: '9.9.9', collectedAt: '2026-03-04T05:06:07.000Z' };

const roots: string[] = [];
after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

const sgA = group({ id: 'sg-a', ingress: [tcp(22, '0.0.0.0/0')] });
const sgB = group({ id: 'sg-b' });
const eni1 = eni({ id: 'eni-1', groups: ['sg-a'] });

/** A live-style snapshot: two parts per kind, an error kind with a hint, a scope without account. */
const SAMPLE: RawSnapshot = {
  source: 'aws',
  inputs: ['profile default'],
  scopes: [
    {
      accountId: ACCOUNT,
      region: 'us-east-1',
      kinds: {
        securityGroups: { status: 'ok', parts: [{ origin: 'page 1', items: [sgA] }, { origin: 'page 2', items: [sgB] }] },
        networkInterfaces: { status: 'ok', parts: [{ items: [eni1] }] },
        instances: {
          status: 'error',
          error: { code: 'UnauthorizedOperation', message: 'not allowed', operation: 'DescribeInstances', hint: 'grant ec2:DescribeInstances' },
        },
      },
    },
    {
      region: 'eu-west-1',
      kinds: {
        securityGroups: { status: 'ok', parts: [{ items: [] }] },
        vpcs: { status: 'error', error: { code: 'RequestLimitExceeded', message: 'slow down', operation: 'DescribeVpcs' } },
      },
    },
  ],
  warnings: ['STS unavailable'],
};

describe('serializeSnapshot → parseSnapshot', () => {
  test('round trip keeps scopes, items, errors with hints and warnings', () => {
    const text = serializeSnapshot(SAMPLE, META);
    assert.ok(text.endsWith('\n'));
    const back = parseSnapshot('snap.json', JSON.parse(text));
    const expected: RawSnapshot = {
      source: 'aws',
      inputs: ['snap.json'],
      scopes: [
        {
          accountId: ACCOUNT,
          region: 'us-east-1',
          kinds: {
            securityGroups: { status: 'ok', parts: [{ origin: 'snap.json', items: [sgA, sgB] }] },
            networkInterfaces: { status: 'ok', parts: [{ origin: 'snap.json', items: [eni1] }] },
            instances: {
              status: 'error',
              error: { code: 'UnauthorizedOperation', message: 'not allowed', operation: 'DescribeInstances', hint: 'grant ec2:DescribeInstances' },
            },
          },
        },
        {
          region: 'eu-west-1',
          kinds: {
            securityGroups: { status: 'ok', parts: [{ origin: 'snap.json', items: [] }] },
            vpcs: { status: 'error', error: { code: 'RequestLimitExceeded', message: 'slow down', operation: 'DescribeVpcs' } },
          },
        },
      ],
      warnings: ['STS unavailable'],
    };
    assert.deepEqual(back, JSON.parse(JSON.stringify(expected)));
  });

  test('the file header: marker, version, tool and time', () => {
    const file = JSON.parse(serializeSnapshot(SAMPLE, META)) as Record<string, unknown>;
    assert.equal(file[SNAPSHOT_MARKER], SNAPSHOT_VERSION);
    assert.deepEqual(file['tool'], { name: 'sg-audit', version: '9.9.9' });
    assert.equal(file['collectedAt'], META.collectedAt);
    assert.equal(file['source'], 'aws');
  });

  test('normalizing the round trip gives the same model as the original', () => {
    const before = normalize(SAMPLE);
    const after_ = normalize(parseSnapshot('snap.json', JSON.parse(serializeSnapshot(SAMPLE, META))));
    assert.deepEqual(after_.groups.map((g) => [g.id, g.ingress.length]), before.groups.map((g) => [g.id, g.ingress.length]));
    assert.deepEqual(
      after_.scopes.map((s) => [s.accountId, s.region, [...s.kinds].map(([k, v]) => [k, v.state])]),
      before.scopes.map((s) => [s.accountId, s.region, [...s.kinds].map(([k, v]) => [k, v.state])]),
    );
    assert.deepEqual(after_.scopes[0]?.kinds.get('instances'), before.scopes[0]?.kinds.get('instances'));
  });

  test('the other kinds round-trip: one entries item per list, stale groups, a NotCollected per-id kind, Dates as ISO text', () => {
    const pl = 'pl-0123456789abcdef0';
    const created = new Date('2025-06-01T08:00:00.000Z');
    const live: RawSnapshot = {
      source: 'aws',
      inputs: [],
      scopes: [
        {
          accountId: ACCOUNT,
          region: 'us-east-1',
          kinds: {
            securityGroups: { status: 'ok', parts: [{ items: [group({ id: 'sg-pl', ingress: [tcp(22, pl)] })] }] },
            prefixLists: { status: 'ok', parts: [{ items: [{ PrefixListId: pl, PrefixListName: 'partners', OwnerId: ACCOUNT }] }] },
            prefixListEntries: { status: 'ok', parts: [{ items: [{ PrefixListId: pl, Entries: [{ Cidr: '0.0.0.0/0' }] }] }] },
            flowLogs: { status: 'ok', parts: [{ items: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1', FlowLogStatus: 'ACTIVE', CreationTime: created }] }] },
            staleSecurityGroups: { status: 'ok', parts: [{ items: [{ GroupId: 'sg-pl', VpcId: 'vpc-1', StaleIpPermissions: [] }] }] },
          },
        },
        {
          accountId: ACCOUNT,
          region: 'eu-west-1',
          kinds: {
            securityGroups: { status: 'error', error: { code: 'AuthFailure', message: 'no', operation: 'DescribeSecurityGroups' } },
            prefixListEntries: {
              status: 'error',
              error: { code: 'NotCollected', message: 'not collected: DescribeSecurityGroups failed (AuthFailure)', operation: 'GetManagedPrefixListEntries', hint: 'fix it' },
            },
          },
        },
      ],
      warnings: [],
    };
    const back = parseSnapshot('snap.json', JSON.parse(serializeSnapshot(live, META)));
    const us = back.scopes[0]?.kinds;
    assert.deepEqual(us?.prefixListEntries, { status: 'ok', parts: [{ origin: 'snap.json', items: [{ PrefixListId: pl, Entries: [{ Cidr: '0.0.0.0/0' }] }] }] });
    const flow = us?.flowLogs;
    assert.ok(flow?.status === 'ok');
    assert.equal((flow.parts[0]?.items[0] as { CreationTime: unknown }).CreationTime, '2025-06-01T08:00:00.000Z');
    assert.deepEqual(back.scopes[1]?.kinds.prefixListEntries, live.scopes[1]?.kinds.prefixListEntries);
    // The prefix list still resolves into the group's source after the trip.
    const source = normalize(back).groups[0]?.ingress[0]?.source;
    assert.ok(source?.kind === 'prefix-list' && source.name === 'partners');
    assert.deepEqual(source.entries?.map((c) => c.text), ['0.0.0.0/0']);
    assert.equal(normalize(back).staleByGroup.size, 0);
  });

  test('a file-sourced snapshot stays file-sourced', () => {
    const snap: RawSnapshot = { source: 'file', inputs: [], scopes: [{ region: 'us-east-1', kinds: {} }], warnings: [] };
    assert.equal(parseSnapshot('s.json', JSON.parse(serializeSnapshot(snap, META))).source, 'file');
  });
});

describe('parseSnapshot', () => {
  const header = { [SNAPSHOT_MARKER]: SNAPSHOT_VERSION, tool: { name: 'sg-audit', version: '0.1.0' }, collectedAt: META.collectedAt, source: 'aws' };

  const ok: { name: string; input: unknown; expected: RawScope[] }[] = [
    {
      name: 'unknown kinds (from a newer sg-audit) are ignored',
      input: { ...header, scopes: [{ region: 'us-east-1', kinds: { natGateways: { status: 'ok', items: [{ NatGatewayId: 'nat-1' }] }, securityGroups: { status: 'ok', items: [] } } }] },
      expected: [{ region: 'us-east-1', kinds: { securityGroups: { status: 'ok', parts: [{ origin: 's.json', items: [] }] } } }],
    },
    {
      name: 'an error without hint or fields gets defaults',
      input: { ...header, scopes: [{ region: 'us-east-1', kinds: { securityGroups: { status: 'error', error: {} } } }] },
      expected: [{ region: 'us-east-1', kinds: { securityGroups: { status: 'error', error: { code: 'Unknown', message: '', operation: '' } } } }],
    },
    {
      name: 'an empty accountId is dropped',
      input: { ...header, scopes: [{ accountId: '', region: 'us-east-1', kinds: {} }] },
      expected: [{ region: 'us-east-1', kinds: {} }],
    },
    { name: 'no scopes', input: { ...header, scopes: [] }, expected: [] },
  ];
  for (const { name, input, expected } of ok) {
    test(name, () => assert.deepEqual(parseSnapshot('s.json', input).scopes, expected));
  }

  test('warnings keep only strings', () => {
    assert.deepEqual(parseSnapshot('s.json', { ...header, scopes: [], warnings: ['a', 1, null, 'b'] }).warnings, ['a', 'b']);
  });

  const bad: { name: string; input: unknown; expected: string }[] = [
    { name: 'not an object', input: [], expected: 's.json: not a snapshot object' },
    { name: 'wrong version', input: { ...header, [SNAPSHOT_MARKER]: 2, scopes: [] }, expected: 's.json: snapshot version 2 is not supported (this sg-audit reads version 1)' },
    { name: 'version as a string', input: { ...header, [SNAPSHOT_MARKER]: '1', scopes: [] }, expected: 's.json: snapshot version "1" is not supported (this sg-audit reads version 1)' },
    { name: 'scopes not a list', input: { ...header, scopes: {} }, expected: 's.json: scopes is not a list' },
    { name: 'a scope without region', input: { ...header, scopes: [{ region: 'us-east-1', kinds: {} }, { kinds: {} }] }, expected: 's.json: scopes[1] has no region' },
    { name: 'a scope that is not an object', input: { ...header, scopes: ['us-east-1'] }, expected: 's.json: scopes[0] has no region' },
    { name: 'kinds not an object', input: { ...header, scopes: [{ region: 'us-east-1', kinds: [] }] }, expected: 's.json: scopes[0].kinds is not an object' },
    { name: 'a kind that is not an object', input: { ...header, scopes: [{ region: 'us-east-1', kinds: { securityGroups: [] } }] }, expected: 's.json: scopes[0].kinds.securityGroups is not an object' },
    {
      name: 'ok without items',
      input: { ...header, scopes: [{ region: 'us-east-1', kinds: { networkInterfaces: { status: 'ok' } } }] },
      expected: 's.json: scopes[0].kinds.networkInterfaces has neither items nor an error',
    },
    {
      name: 'an unknown status',
      input: { ...header, scopes: [{ region: 'us-east-1', kinds: { vpcs: { status: 'partial', items: [] } } }] },
      expected: 's.json: scopes[0].kinds.vpcs has neither items nor an error',
    },
  ];
  for (const { name, input, expected } of bad) {
    test(`error: ${name}`, () => {
      assert.throws(
        () => parseSnapshot('s.json', input),
        (error: unknown) => {
          assert.ok(error instanceof SgAuditError);
          assert.equal(error.kind, 'input');
          assert.equal(error.message, expected);
          assert.match(error.hint ?? '', /sg-audit collect/);
          return true;
        },
      );
    });
  }
});

describe('snapshot through loadInputs', () => {
  test('a snapshot file given as input is read like parseSnapshot, with its path as origin', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sgaudit_snap_'));
    roots.push(root);
    const file = path.join(root, 'snapshot.json');
    fs.writeFileSync(file, serializeSnapshot(SAMPLE, META));
    const loaded = await loadInputs([file]);
    assert.deepEqual(loaded.scopes, parseSnapshot(file, JSON.parse(fs.readFileSync(file, 'utf8'))).scopes);
    assert.deepEqual(loaded.inputs, [file]);
    assert.deepEqual(loaded.warnings, []);
    const m = normalize(loaded);
    assert.deepEqual(m.groups.map((g) => g.id), ['sg-a', 'sg-b']);
    assert.equal(m.scopes[1]?.accountId, 'unknown');
  });

  test('a snapshot of a wrong version fails through loadInputs, naming the file', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sgaudit_snap_'));
    roots.push(root);
    const file = path.join(root, 'old.json');
    fs.writeFileSync(file, JSON.stringify({ [SNAPSHOT_MARKER]: 0, scopes: [] }));
    await assert.rejects(loadInputs([file]), (error: unknown) => error instanceof SgAuditError && error.message.startsWith(`${file}: snapshot version 0`));
  });
});
