// Inputs are never silently dropped, nor silently chosen between (issue 13, cases 2, 3, 6 and 11):
// a symbolic link is followed (a loop is read once), an unreadable folder is an input error
// naming it, a resource saved twice is merged when the copies agree and refused (naming both
// files) when they differ, and UTF-16 (PowerShell's `>`) is read while UTF-32 is named.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadInputs, mergeDuplicates } from '../../src/collect/files.js';
import { decodeText, detectEncoding } from '../../src/decode-text.js';
import { ACCOUNT, group, tcp, vpc } from '../helpers/builders.js';
import { BIN, outputOf, REPO_ROOT, runMain, type RunResult } from '../helpers/cli.js';

const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-inputs-'));
  chmodSync(dir, 0o755); // readable by the unprivileged user of the permission test
  return dir;
};

const closed = group({ id: 'sg-0000000000000007', name: 'web' });
const openToSsh = group({ id: 'sg-0000000000000007', name: 'web', ingress: [tcp(22, '0.0.0.0/0')] });
const other = group({ id: 'sg-0000000000000008', name: 'db' });
const sgs = (...groups: unknown[]) => JSON.stringify({ SecurityGroups: groups });

/** The summary line's group count, or the error. */
async function audit(...args: string[]): Promise<RunResult & { groups?: number }> {
  const result = await runMain([...args, '--region', 'us-east-1', '--format', 'json', '--quiet']);
  const groups = result.code <= 1 ? (JSON.parse(result.stdout) as { summary: { securityGroups: number } }).summary.securityGroups : undefined;
  return { ...result, ...(groups !== undefined ? { groups } : {}) };
}

describe('symbolic links in an input folder are followed', () => {
  test('a linked describe-security-groups.json is audited, not skipped', async () => {
    const saved = scratch();
    writeFileSync(join(saved, 'describe-security-groups.json'), sgs(openToSsh, other));
    const input = scratch();
    writeFileSync(join(input, 'describe-vpcs.json'), JSON.stringify({ Vpcs: [vpc({ id: 'vpc-1' })] }));
    symlinkSync(join(saved, 'describe-security-groups.json'), join(input, 'describe-security-groups.json'));
    const { code, groups, stderr } = await audit('--input', input);
    assert.equal(code, 1, stderr);
    assert.equal(groups, 2);
  });

  test('a linked folder is walked; a link back up to a folder being read is read once', async () => {
    const input = scratch();
    mkdirSync(join(input, 'real'));
    writeFileSync(join(input, 'real', 'describe-security-groups.json'), sgs(openToSsh, other));
    symlinkSync(join(input, 'real'), join(input, 'linked'));
    symlinkSync(input, join(input, 'real', 'up'));
    const { code, groups, stderr } = await audit('--input', join(input, 'linked'));
    assert.equal(code, 1, stderr);
    assert.equal(groups, 2);
    // The same file reached twice (through the folder and through the link) is read once.
    const both = await audit('--input', input);
    assert.equal(both.code, 1, both.stderr);
    assert.equal(both.groups, 2);
  });

  test('a .json link that cannot be followed is an input error naming it', async () => {
    const input = scratch();
    writeFileSync(join(input, 'describe-vpcs.json'), JSON.stringify({ Vpcs: [] }));
    symlinkSync(join(input, 'gone.json'), join(input, 'describe-security-groups.json'));
    const { code, stderr } = await audit('--input', input);
    assert.equal(code, 2);
    assert.match(stderr, /describe-security-groups\.json is a symbolic link that cannot be followed: no such file or directory/);
    assert.equal(stderr.trim().split('\n').length, 1);
  });
});

describe('an unreadable part of the input is an input error', () => {
  /** Runs the CLI as an unprivileged user when this runs as root (root reads any folder). */
  function runUnprivileged(args: string[]): Promise<RunResult> {
    const asRoot = process.getuid?.() === 0;
    return outputOf(
      spawn(process.execPath, [BIN, ...args], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NO_COLOR: '1' },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      }),
    );
  }

  test('an unreadable subfolder: exit 2 naming it, not exit 3', async () => {
    const input = scratch();
    writeFileSync(join(input, 'describe-security-groups.json'), sgs(other));
    mkdirSync(join(input, 'locked'));
    writeFileSync(join(input, 'locked', 'describe-vpcs.json'), JSON.stringify({ Vpcs: [] }));
    chmodSync(join(input, 'locked'), 0o000);
    try {
      const { code, stderr } = await runUnprivileged(['--input', input, '--region', 'us-east-1']);
      assert.equal(code, 2, stderr);
      assert.equal(stderr, `sg-audit: error: cannot read the folder ${join(input, 'locked')}: permission denied — fix its permissions, or pass the readable files to --input\n`);
    } finally {
      chmodSync(join(input, 'locked'), 0o755);
    }
  });

  test('an unreadable file: exit 2 naming it', async () => {
    const input = scratch();
    writeFileSync(join(input, 'describe-security-groups.json'), sgs(other));
    chmodSync(join(input, 'describe-security-groups.json'), 0o000);
    const { code, stderr } = await runUnprivileged(['--input', input, '--region', 'us-east-1']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /cannot read .*describe-security-groups\.json: permission denied/);
  });
});

describe('a resource saved twice', () => {
  test('two copies that differ (closed in one, open to SSH in the other): exit 2 naming both files', async () => {
    const input = scratch();
    mkdirSync(join(input, 'monday'));
    mkdirSync(join(input, 'tuesday'));
    writeFileSync(join(input, 'monday', 'describe-security-groups.json'), sgs(closed, other));
    writeFileSync(join(input, 'tuesday', 'describe-security-groups.json'), sgs(openToSsh, other));
    const { code, stdout, stderr } = await audit('--input', input);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /sg-0000000000000007 \(SecurityGroups\) is in both .*monday\/describe-security-groups\.json and .*tuesday\/describe-security-groups\.json, and the copies differ/);
    assert.equal(stderr.trim().split('\n').length, 1);
  });

  test('two equal copies are merged into one', async () => {
    const input = scratch();
    writeFileSync(join(input, 'a.json'), sgs(openToSsh, other));
    writeFileSync(join(input, 'b.json'), sgs(other, openToSsh));
    const { code, groups, stderr } = await audit('--input', input);
    assert.equal(code, 1, stderr);
    assert.equal(groups, 2);
  });

  test('twice in one file, differing: named once', async () => {
    const input = scratch();
    writeFileSync(join(input, 'describe-security-groups.json'), sgs(closed, openToSsh));
    const { code, stderr } = await audit('--input', input);
    assert.equal(code, 2);
    assert.match(stderr, /is twice in .*describe-security-groups\.json, and the copies differ/);
  });

  test('a snapshot and a describe-* file of the same groups: equal merged, different refused', async () => {
    const input = scratch();
    const snapshot = (groups: unknown[]) =>
      JSON.stringify({ sgAuditSnapshot: 1, tool: { name: 'sg-audit', version: '0' }, collectedAt: '', source: 'aws', scopes: [{ accountId: ACCOUNT, region: 'us-east-1', kinds: { securityGroups: { status: 'ok', items: groups } } }], warnings: [] });
    writeFileSync(join(input, 'snap.json'), snapshot([openToSsh]));
    mkdirSync(join(input, 'us-east-1'));
    writeFileSync(join(input, 'us-east-1', 'describe-security-groups.json'), sgs(openToSsh));
    assert.equal((await audit('--input', input)).groups, 1);
    writeFileSync(join(input, 'us-east-1', 'describe-security-groups.json'), sgs(closed));
    const differ = await audit('--input', input);
    assert.equal(differ.code, 2);
    assert.match(differ.stderr, /in both .*snap\.json and .*describe-security-groups\.json/);
  });

  test('the same id in two accounts is two resources (a shared subnet is in both accounts\' output)', () => {
    const scope = (accountId: string, name: string) => ({
      accountId,
      region: 'us-east-1',
      kinds: { securityGroups: { status: 'ok' as const, parts: [{ origin: `${accountId}.json`, items: [group({ id: 'sg-1', name })] }] } },
    });
    const merged = mergeDuplicates([scope('111111111111', 'a'), scope('222222222222', 'b')]);
    assert.equal(merged.length, 2);
  });

  test('loadInputs keeps the first copy\'s origin and drops only the equal second', async () => {
    const input = scratch();
    writeFileSync(join(input, 'a.json'), sgs(openToSsh));
    writeFileSync(join(input, 'b.json'), sgs(openToSsh, other));
    const snap = await loadInputs([input], { regions: ['us-east-1'] });
    const parts = snap.scopes[0]?.kinds.securityGroups;
    assert.ok(parts?.status === 'ok');
    assert.deepEqual(parts.parts.map((p) => [p.origin?.split('/').pop(), p.items.length]), [['a.json', 1], ['b.json', 1]]);
  });
});

describe('text encodings', () => {
  const json = sgs(openToSsh, other);
  const utf16le = (text: string, bom: boolean) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
  const utf16be = (text: string, bom: boolean) => Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), Buffer.from(text, 'utf16le').swap16()]);

  test('UTF-16 (PowerShell\'s > redirect), either byte order, with or without a BOM, is read', async () => {
    for (const [name, bytes] of [
      ['LE with BOM', utf16le(json, true)],
      ['LE without BOM', utf16le(json, false)],
      ['BE with BOM', utf16be(json, true)],
      ['BE without BOM', utf16be(json, false)],
      ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])],
    ] as const) {
      const input = scratch();
      writeFileSync(join(input, 'describe-security-groups.json'), bytes);
      const { code, groups, stderr } = await audit('--input', input);
      assert.equal(code, 1, `${name}: ${stderr}`);
      assert.equal(groups, 2, name);
    }
  });

  test('UTF-32 is named, with the way out, not parsed into mojibake', async () => {
    const input = scratch();
    const utf32le = Buffer.alloc(json.length * 4 + 4);
    utf32le.set([0xff, 0xfe, 0, 0]);
    for (let i = 0; i < json.length; i++) utf32le.writeUInt32LE(json.charCodeAt(i), 4 + i * 4);
    writeFileSync(join(input, 'describe-security-groups.json'), utf32le);
    const { code, stderr } = await audit('--input', input);
    assert.equal(code, 2);
    assert.match(stderr, /describe-security-groups\.json: it is UTF-32LE: re-save it as UTF-8 — e\.g\. in PowerShell/);
  });

  test('a config file and a baseline in UTF-16 are read too', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'describe-security-groups.json'), json);
    writeFileSync(join(dir, 'audit.yml'), utf16le('failOn: critical\n', true));
    const withConfig = await runMain(['--input', join(dir, 'describe-security-groups.json'), '--region', 'us-east-1', '--config', join(dir, 'audit.yml'), '--quiet']);
    assert.equal(withConfig.code, 0, withConfig.stderr); // ssh is high: below critical
    const report = await runMain(['--input', join(dir, 'describe-security-groups.json'), '--region', 'us-east-1', '--format', 'json', '--quiet']);
    writeFileSync(join(dir, 'accepted.json'), utf16le(report.stdout, true));
    const withBaseline = await runMain(['--input', join(dir, 'describe-security-groups.json'), '--region', 'us-east-1', '--baseline', join(dir, 'accepted.json'), '--quiet']);
    assert.equal(withBaseline.code, 0, withBaseline.stderr); // every finding accepted
  });

  test('detectEncoding and decodeText', () => {
    assert.deepEqual(detectEncoding(Buffer.from('{}')), { encoding: 'utf-8', bom: 0 });
    assert.deepEqual(detectEncoding(Buffer.from([0xff, 0xfe, 0x7b, 0])), { encoding: 'utf-16le', bom: 2 });
    assert.deepEqual(detectEncoding(Buffer.from([0, 0, 0xfe, 0xff])), { encoding: 'utf-32be', bom: 4 });
    assert.deepEqual(detectEncoding(Buffer.from([0x7b, 0, 0, 0])), { encoding: 'utf-32le', bom: 0 });
    assert.deepEqual(detectEncoding(Buffer.alloc(0)), { encoding: 'utf-8', bom: 0 });
    assert.equal(decodeText(utf16be('{"é":1}', true)), '{"é":1}');
    assert.throws(() => decodeText(Buffer.from([0xff, 0xfe, 0x7b])), /UTF-16LE cut in the middle/);
  });
});

describe('hostile nesting', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  test('an input nested 100,000 levels deep (twice, so the copies are compared): exit 2 naming it, not a stack overflow', async () => {
    const input = scratch();
    const text = sgs(group({ id: 'sg-0000000000000007' })).replace('"GroupName"', `"Tags": ${deep(100_000)}, "GroupName"`);
    writeFileSync(join(input, 'a.json'), text);
    writeFileSync(join(input, 'b.json'), text);
    const { code, stderr } = await audit('--input', input);
    assert.equal(code, 2);
    assert.match(stderr, /a\.json nests arrays or objects more than 256 levels deep/);
  });

  test('a report to merge with evidence nested 100,000 deep: exit 2 naming it', async () => {
    const dir = scratch();
    const report = (await runMain(['--input', join(REPO_ROOT, 'examples', 'demo-account'), '--format', 'json', '--quiet'])).stdout;
    writeFileSync(join(dir, 'shard.json'), report.replace('"evidence": {', `"evidence": { "deep": ${deep(100_000)},`));
    for (const format of ['json', 'sarif', 'html', 'junit']) {
      const { code, stderr } = await runMain(['merge', join(dir, 'shard.json'), '--format', format, '--quiet']);
      assert.equal(code, 2, `${format}: ${stderr}`);
      assert.match(stderr, /shard\.json nests arrays or objects more than 256 levels deep/);
    }
  });

  test('nestsDeeperThan walks without recursion', async () => {
    const { nestsDeeperThan } = await import('../../src/json-depth.js');
    assert.equal(nestsDeeperThan(JSON.parse(deep(1_000_000)) as unknown), true);
    assert.equal(nestsDeeperThan({ a: [{ b: [1, 2, { c: null }] }] }, 5), false);
    assert.equal(nestsDeeperThan({ a: [{ b: [1, 2, { c: [] }] }] }, 5), true);
    assert.equal(nestsDeeperThan('text'), false);
  });
});
