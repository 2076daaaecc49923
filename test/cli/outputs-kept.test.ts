// Writing a report never replaces what the user has (issue 13, cases 1, 5 and 9): a device, a
// FIFO, a symbolic link or a standard stream is written in place, never renamed over; a file the
// run reads (input, config, baseline, a report being merged) is refused as an output, exit 2,
// however it is named; and an interrupted write leaves no temporary file. Devices are tested in a
// private mount namespace (a tmpfs over /dev) or with a FIFO, never on this machine's /dev.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { planOutputs } from '../../src/cli/outputs.js';
import { outputTarget, streamNamed } from '../../src/cli/write.js';
import { group, tcp } from '../helpers/builders.js';
import { BIN, REPO_ROOT, runBin, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');
const scratch = () => mkdtempSync(join(tmpdir(), 'sg-audit-kept-'));

/** A small saved account with one finding, in its own folder. */
function goodInput(): string {
  const dir = join(scratch(), 'good');
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'describe-security-groups.json'), JSON.stringify({ SecurityGroups: [group({ id: 'sg-0123456789abcdef0', ingress: [tcp(22, '0.0.0.0/0')] })] }));
  return dir;
}

describe('outputs that are not regular files are written in place', () => {
  test('-, /dev/stdout and /dev/stderr name the streams; anything else is a path', () => {
    assert.equal(streamNamed('-'), 'stdout');
    assert.equal(streamNamed('/dev/stdout'), 'stdout');
    assert.equal(streamNamed('/proc/self/fd/1'), 'stdout');
    assert.equal(streamNamed('/dev/stderr'), 'stderr');
    assert.equal(streamNamed('/dev/fd/2'), 'stderr');
    assert.equal(streamNamed('report.json'), undefined);
    assert.equal(streamNamed('./-x'), undefined);
  });

  test('--output - and --format json=- go to stdout, and count as its one report', async () => {
    assert.deepEqual(planOutputs(['json=-'], undefined), [{ format: 'json' }]);
    assert.deepEqual(planOutputs([], '-'), [{ format: 'table' }]);
    const { code, stdout } = await runMain(['--input', DEMO, '--format', 'json', '--output', '-', '--quiet']);
    assert.equal(code, 1);
    assert.equal((JSON.parse(stdout) as { schemaVersion: number }).schemaVersion, 1);
    const two = await runMain(['--input', DEMO, '--format', 'table', '--format', 'json=/dev/stdout']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /only one report can go to stdout/);
  });

  test('a FIFO stays a FIFO: the report goes to its reader', async () => {
    const dir = scratch();
    const fifo = join(dir, 'report.pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const reading = readFile(fifo, 'utf8'); // blocks (in the thread pool) until the writer opens it
    const { code, stderr } = await runBin(['--input', goodInput(), '--format', 'json', '--output', fifo, '--quiet']);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(await reading) as { summary: { findings: number } };
    assert.ok(report.summary.findings > 0);
    assert.ok(statSync(fifo).isFIFO(), 'still a FIFO');
    assert.deepEqual(readdirSync(dir), ['report.pipe']);
  });

  test('a symbolic link is followed: its target is replaced whole, the link stays a link', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'real.json'), 'old');
    symlinkSync('real.json', join(dir, 'latest.json'));
    const { code } = await runMain(['--input', goodInput(), '--output', join(dir, 'latest.json'), '--quiet']);
    assert.equal(code, 1);
    assert.ok(lstatSync(join(dir, 'latest.json')).isSymbolicLink());
    assert.equal((JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')) as { schemaVersion: number }).schemaVersion, 1);
    assert.deepEqual(readdirSync(dir).sort(), ['latest.json', 'real.json']);
    // A dangling link creates its target; a loop is refused.
    symlinkSync('new.json', join(dir, 'dangling.json'));
    assert.equal((await runMain(['--input', goodInput(), '--output', join(dir, 'dangling.json'), '--quiet'])).code, 1);
    assert.ok(lstatSync(join(dir, 'dangling.json')).isSymbolicLink());
    assert.ok(statSync(join(dir, 'new.json')).isFile());
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    const loop = await runMain(['--input', goodInput(), '--output', join(dir, 'loop-a')]);
    assert.equal(loop.code, 2);
    assert.match(loop.stderr, /too many symbolic links/);
  });

  test('outputTarget: what each kind of path becomes', async () => {
    const dir = scratch();
    assert.deepEqual(await outputTarget('-'), { kind: 'stream', stream: 'stdout' });
    assert.deepEqual(await outputTarget(join(dir, 'new.json')), { kind: 'atomic', path: join(dir, 'new.json') });
    spawnSync('mkfifo', [join(dir, 'p')]);
    assert.deepEqual(await outputTarget(join(dir, 'p')), { kind: 'in-place', path: join(dir, 'p') });
    await assert.rejects(outputTarget(dir), /is a directory/);
  });

  test('in a private mount namespace: /dev/null stays a device, /dev/stdout and /dev/stderr stay links, a block device is refused', () => {
    // A tmpfs over /dev, seen only by this shell and its children; the machine's /dev is untouched.
    const input = goodInput();
    const node = process.execPath;
    const script = [
      'set -e',
      'mount -t tmpfs sg-audit-test /dev',
      'mknod -m 666 /dev/null c 1 3',
      'mknod -m 600 /dev/disk0 b 7 0',
      'ln -s /proc/self/fd/1 /dev/stdout',
      'ln -s /proc/self/fd/2 /dev/stderr',
      `"${node}" "${BIN}" --input "${input}" --output /dev/null --quiet || echo "null exit $?"`,
      'echo "null is $(stat -c %F /dev/null)"',
      `"${node}" "${BIN}" --input "${input}" --format json --output /dev/stdout --quiet > /dev/t-stdout.json 2>/dev/null || echo "stdout exit $?"`,
      `"${node}" "${BIN}" --input "${input}" --format table --format sarif=/dev/stderr --quiet 2> /dev/t-stderr.sarif > /dev/null || echo "stderr exit $?"`,
      'echo "stdout is $(stat -c %F /dev/stdout); stderr is $(stat -c %F /dev/stderr)"',
      'echo "json $(head -c 1 /dev/t-stdout.json) sarif $(grep -c sarif-2.1.0 /dev/t-stderr.sarif)"',
      `"${node}" "${BIN}" --input "${input}" --output /dev/disk0 2>&1 || echo "disk exit $?"`,
      'rm -f /dev/t-stdout.json /dev/t-stderr.sarif',
    ].join('\n');
    const run = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), NO_COLOR: '1' },
      cwd: '/',
    });
    assert.equal(run.status, 0, `unshare needs root (CAP_SYS_ADMIN): ${run.stderr}`);
    const out = run.stdout;
    assert.match(out, /null exit 1/); // the audit's own exit code: one finding
    assert.match(out, /null is character special file/);
    assert.match(out, /stdout is symbolic link; stderr is symbolic link/);
    assert.match(out, /json \{ sarif 1/);
    assert.match(out, /--output \/dev\/disk0 is a block device/);
    assert.match(out, /disk exit 2/);
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });
});

describe('a file the run reads is never an output', () => {
  test('the config file, by name or through a link, is refused and left as it was', async () => {
    const dir = scratch();
    const config = join(dir, 'audit.yml');
    writeFileSync(config, 'failOn: high\n');
    symlinkSync('audit.yml', join(dir, 'link.yml'));
    for (const output of [config, join(dir, 'link.yml')]) {
      const { code, stderr, stdout } = await runMain(['--input', goodInput(), '--config', config, '--output', output]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /is also the config file .*audit\.yml; it would be overwritten/);
    }
    assert.equal(readFileSync(config, 'utf8'), 'failOn: high\n');
  });

  test('the default config file found in the working directory is refused too', async () => {
    const dir = scratch();
    writeFileSync(join(dir, '.sg-audit.yml'), 'failOn: high\n');
    const { code, stderr } = await runBin(['--input', goodInput(), '--format', 'json=.sg-audit.yml'], {}, dir);
    assert.equal(code, 2);
    assert.match(stderr, /is also the config file/);
    assert.equal(readFileSync(join(dir, '.sg-audit.yml'), 'utf8'), 'failOn: high\n');
  });

  test('the baseline is refused, in an audit and in a merge', async () => {
    const dir = scratch();
    const accepted = join(dir, 'accepted.json');
    assert.equal((await runMain(['--input', goodInput(), '--format', `json=${accepted}`])).code, 1);
    const before = readFileSync(accepted, 'utf8');
    const audit = await runMain(['--input', goodInput(), '--baseline', accepted, '--format', 'json', '--output', accepted]);
    assert.equal(audit.code, 2);
    assert.match(audit.stderr, /is also the baseline/);
    const merge = await runMain(['merge', accepted, '--baseline', accepted, '--format', `json=${accepted}`]);
    assert.equal(merge.code, 2);
    assert.match(merge.stderr, /is also (the baseline|a report being merged)/);
    assert.equal(readFileSync(accepted, 'utf8'), before);
  });

  test('an input reached through a hard link or a symbolic link is refused', async () => {
    const input = goodInput();
    const file = join(input, 'describe-security-groups.json');
    const before = readFileSync(file, 'utf8');
    const dir = scratch();
    linkSync(file, join(dir, 'hard.json'));
    symlinkSync(file, join(dir, 'soft.json'));
    for (const output of [join(dir, 'hard.json'), join(dir, 'soft.json')]) {
      const { code, stderr } = await runMain(['--input', input, '--format', 'json', '--output', output]);
      assert.equal(code, 2, output);
      assert.match(stderr, /is also an input file/);
    }
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  test('exposure and collect refuse the same way', async () => {
    const dir = scratch();
    const config = join(dir, 'audit.yml');
    writeFileSync(config, 'failOn: high\n');
    const exposure = await runMain(['exposure', '--input', DEMO, '--config', config, '--output', config]);
    assert.equal(exposure.code, 2);
    assert.match(exposure.stderr, /is also the config file/);
    assert.equal(readFileSync(config, 'utf8'), 'failOn: high\n');
  });
});

describe('an interrupted write leaves nothing behind', () => {
  test('SIGINT while the report is written: no temporary file, the old report intact, death by SIGINT', async () => {
    // Enough findings that the JSON report takes a while to write.
    const input = join(scratch(), 'describe-security-groups.json');
    const groups = Array.from({ length: 3000 }, (_, i) => group({ id: `sg-${i.toString(16).padStart(17, '0')}`, name: `g${i}`, ingress: [tcp(22, '0.0.0.0/0'), tcp(3389, '0.0.0.0/0')] }));
    writeFileSync(input, JSON.stringify({ SecurityGroups: groups }));
    const dir = scratch();
    const report = join(dir, 'report.json');
    writeFileSync(report, 'the old report');

    const child = spawn(process.execPath, [BIN, '--input', input, '--region', 'us-east-1', '--format', 'json', '--output', report, '--quiet'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NO_COLOR: '1' },
      stdio: 'ignore',
    });
    let sawTemporary = false;
    // The moment the temporary file appears, the write is under way: interrupt it.
    const watcher = watch(dir, (_event, name) => {
      if (!sawTemporary && name?.includes('.sg-audit-tmp-')) {
        sawTemporary = true;
        child.kill('SIGINT');
      }
    });
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    watcher.close();
    assert.ok(sawTemporary, 'the write was interrupted');
    assert.deepEqual(ended, { code: null, signal: 'SIGINT' });
    assert.deepEqual(readdirSync(dir), ['report.json']);
    assert.equal(readFileSync(report, 'utf8'), 'the old report');
  });
});
