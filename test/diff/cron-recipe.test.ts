// The daily diff recipe of docs/cron.md, run as written: its one-time snapshot and its crontab
// line through /bin/sh, with the live flags swapped for a fake EC2 endpoint (collect) and saved
// events (--cloudtrail). Silent when nothing changed; the change and who made it when something
// did; a failed collection is mailed and keeps the last good day.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';
import { BIN, REPO_ROOT } from '../helpers/cli.js';
import { startFakeEc2, type FakeEc2, type RegionFixture } from '../helpers/fake-ec2.js';

const KEY = 'AKIDCRONRECIPE';
const SECRET = 'cron-recipe-secret';

function section(): { once: string; line: string } {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'cron.md'), 'utf8');
  const daily = text.slice(text.indexOf('## Daily: what changed since yesterday, and who did it'));
  assert.ok(daily.length > 0, 'docs/cron.md has the daily diff recipe');
  const once = /```sh\n(sg-audit [^\n]+)\n```/.exec(daily)?.[1];
  const crontab = /```crontab\n([^\n]+)\n```/.exec(daily)?.[1];
  assert.ok(once && crontab);
  assert.match(crontab, /^(\S+\s+){5}/, 'a crontab line: five time fields, then the command');
  const command = crontab.replace(/^(\S+\s+){5}/, '');
  assert.doesNotMatch(command.replace(/\\%/g, ''), /%/, 'every % is escaped for cron');
  // cron turns \% into % and runs the line with /bin/sh.
  return { once, line: command.replace(/\\%/g, '%') };
}

describe('docs/cron.md: the daily diff, run as written', () => {
  let fake: FakeEc2;
  let region: RegionFixture;
  let dir: string;
  const env: NodeJS.ProcessEnv = {};
  before(async () => {
    region = acceptanceRegion('us-east-1', 'a');
    fake = await startFakeEc2({ accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: { 'us-east-1': region } }] });
    dir = mkdtempSync(join(tmpdir(), 'sg-audit-cron-'));
    const bin = join(dir, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sg-audit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'sg-audit'), 0o755);
    mkdirSync(join(dir, 'trail'));
    writeFileSync(join(dir, 'trail', 'events.json'), JSON.stringify({ Events: [] }));
    Object.assign(env, { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, TZ: 'UTC', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET });
  });
  after(async () => {
    await fake.close();
    assert.deepEqual(fake.violations, []);
  });

  /** The live flags swapped: collect from the fake endpoint, events from saved files. */
  const asWritten = (command: string, endpoint = fake.url) =>
    command
      .replaceAll('--profile audit --region all', `--region us-east-1 --endpoint-url ${endpoint}`)
      .replace('--cloudtrail --profile audit', '--cloudtrail trail/')
      .replaceAll('/var/sg-audit', dir);
  // Not spawnSync: the fake endpoint answers from this process.
  const sh = (command: string) =>
    new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
    });

  test('silent while nothing changes; the change and who made it when something does; a failed morning is mailed and keeps the last good day', async () => {
    const { once, line } = section();
    assert.deepEqual(await sh(asWritten(once)), { code: 0, output: '' });
    assert.ok(existsSync(join(dir, 'today.json')));

    // Day 1: nothing changed, nothing to mail.
    assert.equal((await sh(asWritten(line))).output, '', 'cron mails nothing');
    assert.ok(existsSync(join(dir, 'yesterday.json')) && existsSync(join(dir, 'today.json')));

    // Day 2: alice opens SSH on ssh-private to the internet; CloudTrail recorded it.
    const groupId = region.securityGroups?.find((g) => g.GroupName === 'ssh-private')?.GroupId as string;
    region.securityGroups?.find((g) => g.GroupId === groupId)?.IpPermissions?.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    const ruleId = 'sgr-a0c0ffee00000001f';
    region.securityGroupRules?.push({ SecurityGroupRuleId: ruleId, GroupId: groupId, GroupOwnerId: ACCOUNT_ID, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' });
    writeFileSync(
      join(dir, 'trail', 'events.json'),
      JSON.stringify({
        Records: [
          {
            eventTime: new Date(Date.now() - 60_000).toISOString(),
            eventSource: 'ec2.amazonaws.com',
            eventName: 'AuthorizeSecurityGroupIngress',
            awsRegion: 'us-east-1',
            recipientAccountId: ACCOUNT_ID,
            eventID: 'cron-1',
            sourceIPAddress: '198.51.100.7',
            userAgent: 'AWS Internal',
            userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, userName: 'alice' },
            requestParameters: { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
            responseElements: { _return: true, securityGroupRuleSet: { items: [{ groupId, securityGroupRuleId: ruleId, isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] } },
          },
        ],
      }),
    );
    const mailed = (await sh(asWritten(line))).output;
    assert.match(mailed, new RegExp(`── ${groupId} · ssh-private`));
    assert.match(mailed, new RegExp(`\\+ tcp 22 from 0\\.0\\.0\\.0/0 \\(${ruleId}\\)\\n\\s+by arn:aws:iam::${ACCOUNT_ID}:user/alice`));
    assert.match(mailed, /AuthorizeSecurityGroupIngress · from 198\.51\.100\.7 · console/);
    assert.match(mailed, /New findings \(\d+\)[\s\S]*ssh-open-to-internet on/);
    assert.match(mailed, /FAIL: /);

    // Day 3: nothing changed since day 2.
    assert.equal((await sh(asWritten(line))).output, '');

    // Day 4: the collection fails: mailed, and today's snapshot stays the last good one.
    const good = readFileSync(join(dir, 'today.json'), 'utf8');
    const failed = await sh(asWritten(line, 'http://127.0.0.1:9'));
    assert.match(failed.output, /sg-audit: error: ECONNREFUSED/);
    assert.equal(readFileSync(join(dir, 'today.json'), 'utf8'), good);
    assert.equal((await sh(asWritten(line))).output, '', 'the next morning compares with the last good day');
  });
});
