// `sg-audit diff … --cloudtrail` live, as a user runs it (the bundled program, a profile, the
// endpoint from AWS_ENDPOINT_URL_CLOUDTRAIL) against the fake CloudTrail: only the event names
// the changes need, every page, a throttle retried, the pace kept; a region that denies the
// lookup makes the diff incomplete (exit 3) with the rest still attributed. The SDK never loads
// for a diff of saved files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EXPOSURE_EVENTS } from '../../src/cloudtrail/events.js';
import { LOOKUP_INTERVAL_MS } from '../../src/cloudtrail/lookup.js';
import { BIN, fakeAwsHome, REPO_ROOT, runBin } from '../helpers/cli.js';
import { startFakeCloudTrail, type FakeCloudTrail } from '../helpers/fake-cloudtrail.js';

const ACCOUNT = '123456789012';
const KEY = 'AKIDDIFFLIVETEST';
const SECRET = 'diff-live-secret';

/** Two regions, one group each; the after side opens SSH in us-east-1 and RDP in eu-west-1. */
function sides(): { before: string; after: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-diff-live-'));
  const group = (id: string, region: string, ingress: unknown[]) => ({
    SecurityGroups: [{ GroupId: id, GroupName: `g-${region}`, Description: 'x', OwnerId: ACCOUNT, VpcId: 'vpc-1', SecurityGroupArn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${id}`, IpPermissions: ingress, IpPermissionsEgress: [] }],
  });
  for (const [side, open] of [['before', false], ['after', true]] as const) {
    for (const [region, id, port] of [['us-east-1', 'sg-0aaaaaaaaaaaaaaa1', 22], ['eu-west-1', 'sg-0bbbbbbbbbbbbbbb2', 3389]] as const) {
      mkdirSync(join(dir, side, region), { recursive: true });
      const ingress = open ? [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] : [];
      writeFileSync(join(dir, side, region, 'describe-security-groups.json'), JSON.stringify(group(id, region, ingress)));
    }
  }
  return { before: join(dir, 'before'), after: join(dir, 'after') };
}

/** Within CloudTrail's 90 days of the real clock: hours ago. */
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function authorize(i: number, groupId: string, port: number, who: string): Record<string, unknown> {
  return {
    eventTime: hoursAgo(10 - i),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT,
    eventID: `live-${i}`,
    sourceIPAddress: '198.51.100.9',
    userAgent: 'aws-cli/2.22.4',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${who}`, userName: who },
    requestParameters: { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
    responseElements: null,
  };
}

describe('sg-audit diff --cloudtrail, live', () => {
  const servers: FakeCloudTrail[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  test('looks up only what the changes need, every page, paced; a denied region is exit 3 and said, the rest attributed', async () => {
    const server = await startFakeCloudTrail({
      accounts: [
        {
          accountId: ACCOUNT,
          accessKeyId: KEY,
          secretAccessKey: SECRET,
          regions: {
            // The opening call, and two others on other groups or ports: three pages of one event.
            'us-east-1': [authorize(1, 'sg-0aaaaaaaaaaaaaaa1', 22, 'alice'), authorize(2, 'sg-0ccccccccccccccc3', 22, 'bob'), authorize(3, 'sg-0aaaaaaaaaaaaaaa1', 8080, 'carol')],
          },
        },
      ],
      maxPageSize: 1,
      deniedRegions: ['eu-west-1'],
      throttle: ({ region, attempt, eventName }) => region === 'us-east-1' && eventName === 'AuthorizeSecurityGroupIngress' && attempt === 0,
    });
    servers.push(server);
    const { before, after: afterSide } = sides();
    const { code, stdout, stderr } = await runBin(['diff', before, afterSide, '--cloudtrail', '--since', '1d', '--profile', 'fake', '--format', 'json'], {
      HOME: fakeAwsHome(KEY, SECRET),
      AWS_ENDPOINT_URL_CLOUDTRAIL: server.url,
    });
    assert.equal(code, 3, stderr);
    assert.deepEqual(server.violations, []);
    const report = JSON.parse(stdout) as import('../../src/diff/types.js').DiffReport;
    const [east] = report.groups.filter((g) => g.region === 'us-east-1').flatMap((g) => g.rules);
    assert.deepEqual(east?.attribution?.events.map((e) => [e.principal, e.matchedBy]), [[`arn:aws:iam::${ACCOUNT}:user/alice`, 'rule content']]);
    const [west] = report.groups.filter((g) => g.region === 'eu-west-1').flatMap((g) => g.rules);
    assert.deepEqual(west?.attribution?.events, []);
    assert.equal(report.summary.status, 'incomplete');
    assert.match(stderr, /sg-audit: error: AccessDeniedException: .*cloudtrail:LookupEvents .*— grant cloudtrail:LookupEvents to this identity/);

    // Only the calls an added ingress rule and a new SSH finding can come from, one attribute each.
    const asked = new Set(server.requests.filter((r) => r.region === 'us-east-1').map((r) => r.eventName));
    assert.deepEqual([...asked].sort(), ['AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress', 'CreateSecurityGroup', 'ModifySecurityGroupRules']);
    assert.ok([...asked].every((name) => (EXPOSURE_EVENTS as readonly (string | undefined)[]).includes(name)));
    // Three pages of AuthorizeSecurityGroupIngress, each throttled once first and retried.
    const ingress = server.requests.filter((r) => r.eventName === 'AuthorizeSecurityGroupIngress');
    assert.deepEqual(ingress.map((r) => r.status), [400, 200, 400, 200, 400, 200]);
    // The pace: one request start every 500 ms in the region (arrival times jitter a little).
    const times = server.requests.filter((r) => r.region === 'us-east-1').map((r) => r.at);
    assert.ok((times.at(-1) as number) - (times[0] as number) >= (times.length - 1) * LOOKUP_INTERVAL_MS - 200, `${times.length} requests over ${(times.at(-1) as number) - (times[0] as number)} ms`);
  });

  test('a diff of saved files, with saved CloudTrail events, never loads the AWS SDK; a live lookup does', () => {
    const loaded = (args: string[]) => {
      const trace = join(mkdtempSync(join(tmpdir(), 'sg-audit-trace-')), 'loads.txt');
      spawnSync(process.execPath, ['--import', join(REPO_ROOT, 'test', 'fixtures', 'trace-sdk-loads.mjs'), BIN, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', SG_AUDIT_TRACE_FILE: trace, AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9' },
        encoding: 'utf8',
      });
      return existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
    };
    assert.deepEqual(loaded(['diff', 'examples/demo-account', 'examples/demo-account-next', '--cloudtrail', 'examples/demo-cloudtrail']), []);
    assert.deepEqual(loaded(['--input', 'examples/demo-account-next', '--cloudtrail', 'examples/demo-cloudtrail']), []);
    assert.ok(loaded(['diff', 'examples/demo-account', 'examples/demo-account-next', '--cloudtrail', '--since', '1d']).length > 0);
  });
});
