// Saved CloudTrail events: lookup-events output and log files as a trail delivers them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadTrailFiles } from '../../src/cloudtrail/files.js';
import { SgAuditError } from '../../src/errors.js';
import { REPO_ROOT } from '../helpers/cli.js';

const record = (eventName: string, region: string, id: string, extra: Record<string, unknown> = {}) => ({
  eventTime: '2026-01-01T09:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName,
  awsRegion: region,
  recipientAccountId: '123456789012',
  eventID: id,
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob' },
  requestParameters: { groupId: 'sg-1' },
  responseElements: { _return: true },
  ...extra,
});

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'sg-audit-trail-'));
}

describe('saved CloudTrail events', () => {
  test('log files (gzipped, as S3 holds them) and lookup-events output in one directory; other calls and digest files skipped', async () => {
    const d = dir();
    mkdirSync(join(d, 'CloudTrail', 'us-east-1'), { recursive: true });
    writeFileSync(
      join(d, 'CloudTrail', 'us-east-1', '123456789012_CloudTrail_us-east-1_20260101T0915Z_abcdefghijklmnop.json.gz'),
      gzipSync(JSON.stringify({ Records: [record('DeleteSecurityGroup', 'us-east-1', 'a'), record('DescribeSecurityGroups', 'us-east-1', 'b'), record('ConsoleLogin', 'us-east-1', 'c', { eventSource: 'signin.amazonaws.com' })] })),
    );
    writeFileSync(join(d, '123456789012_CloudTrail-Digest_us-east-1_20260101T0915Z.json.gz'), gzipSync(JSON.stringify({ digestStartTime: '2026-01-01T08:15:00Z', digestEndTime: '2026-01-01T09:15:00Z' })));
    writeFileSync(
      join(d, 'eu.json'),
      JSON.stringify({ Events: [{ EventId: 'd', EventName: 'DeleteSecurityGroup', EventTime: '2026-01-01T10:00:00+00:00', CloudTrailEvent: JSON.stringify(record('DeleteSecurityGroup', 'eu-west-1', 'd')) }] }),
    );
    writeFileSync(join(d, 'notes.json'), JSON.stringify({ hello: 'world' }));
    const data = await loadTrailFiles([d]);
    assert.deepEqual(data.events.map((e) => [e.eventId, e.region]), [['a', 'us-east-1'], ['d', 'eu-west-1']]);
    assert.deepEqual(
      data.covered.map((w) => `${w.accountId}/${w.region}`).sort(),
      ['123456789012/eu-west-1', '123456789012/us-east-1'],
      'every record and the log file name say what the data covers',
    );
    assert.equal(data.inputs.length, 2);
    assert.deepEqual(data.warnings, [`skipped ${join(d, 'notes.json')}: not CloudTrail events (top-level key hello)`]);
  });

  test('the same event in a log file and in a lookup is read once', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), JSON.stringify({ Records: [record('DeleteSecurityGroup', 'us-east-1', 'same')] }));
    writeFileSync(join(d, 'b.json'), JSON.stringify({ Events: [{ EventId: 'same', CloudTrailEvent: JSON.stringify(record('DeleteSecurityGroup', 'us-east-1', 'same')) }] }));
    assert.equal((await loadTrailFiles([d])).events.length, 1);
  });

  test('bad input is one error naming the file and the way out', async () => {
    const d = dir();
    const paged = join(d, 'paged.json');
    writeFileSync(paged, JSON.stringify({ Events: [], NextToken: 'abc' }));
    await assert.rejects(loadTrailFiles([paged]), (e: SgAuditError) => e instanceof SgAuditError && /only the first page of LookupEvents/.test(e.message) && /--max-items/.test(e.hint ?? ''));
    const other = join(d, 'other.json');
    writeFileSync(other, JSON.stringify({ SecurityGroups: [] }));
    await assert.rejects(loadTrailFiles([other]), /is not CloudTrail events \(top-level key SecurityGroups\)/);
    const broken = join(d, 'broken.json.gz');
    writeFileSync(broken, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    await assert.rejects(loadTrailFiles([broken]), /is not a valid gzip file/);
    const garbled = join(d, 'garbled.json');
    writeFileSync(garbled, '{"Records": [');
    await assert.rejects(loadTrailFiles([garbled]), /is not valid JSON/);
    await assert.rejects(loadTrailFiles([join(d, 'missing')]), /no such file or directory/);
    const empty = dir();
    await assert.rejects(loadTrailFiles([empty]), /holds no \.json or \.json\.gz files/);
  });

  test('the demo events: 20 calls that change exposure (the refused one and the other calls left out), in us-east-1 and eu-west-1', async () => {
    const data = await loadTrailFiles([join(REPO_ROOT, 'examples', 'demo-cloudtrail')]);
    assert.equal(data.events.length, 20);
    assert.ok(!data.events.some((e) => e.actor.arn?.endsWith('/mallory')), 'the refused call changed nothing');
    assert.deepEqual([...new Set(data.events.map((e) => e.region))].sort(), ['eu-west-1', 'us-east-1']);
    assert.deepEqual(data.warnings, []);
  });
});
