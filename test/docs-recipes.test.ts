// The documented recipes work as written: every sg-audit command of docs/formats.md and
// docs/baselines.md runs (in that order, in a scratch directory where `snapshot/` is the bundled
// demo account), through a shell as a user would type it, and so do the cron line (docs/cron.md),
// the CI jobs (docs/ci.md) and the sharded workflow (docs/accounts.md).
// Live-only flags are swapped for the snapshot, or for a local endpoint where nothing listens: no
// test talks to AWS. Install steps run as written, into a temporary prefix, npm offline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { BIN, REPO_ROOT } from './helpers/cli.js';

const doc = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
}

/** `sg-audit …` lines of sh blocks, without trailing comments. */
function shellCommands(text: string): string[] {
  return codeBlocks(text, 'sh')
    .flatMap((block) => block.split('\n'))
    .filter((line) => line.startsWith('sg-audit '))
    .map((line) => line.replace(/\s+#.*$/, ''));
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** A scratch directory with `snapshot/` (the demo account), `reports/`, and `sg-audit` on PATH. */
function workspace(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = mkdtempSync(join(tmpdir(), 'sg-audit-recipes-'));
  symlinkSync(join(REPO_ROOT, 'examples', 'demo-account'), join(cwd, 'snapshot'));
  mkdirSync(join(cwd, 'reports'));
  const bin = join(cwd, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'sg-audit'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'sg-audit'), 0o755);
  return { cwd, env: { PATH: `${bin}:/usr/bin:/bin`, HOME: cwd, TZ: 'UTC', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' } };
}

function run(command: string, ws: { cwd: string; env: NodeJS.ProcessEnv }): { code: number; stdout: string; stderr: string } {
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: ws.cwd, env: ws.env, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The report of a run of the demo account with two of its findings taken out: a baseline the account has two new findings against. */
function baselineMissingTwo(ws: { cwd: string }, from: string, to: string): void {
  const report = JSON.parse(readFileSync(join(ws.cwd, from), 'utf8')) as { findings: { ruleId: string }[] };
  const before = report.findings.length;
  const ssh = report.findings.filter((f) => f.ruleId === 'ssh-open-to-internet').slice(0, 2);
  report.findings = report.findings.filter((f) => !ssh.includes(f));
  assert.equal(report.findings.length, before - 2, 'the demo account has ssh findings to remove');
  writeFileSync(join(ws.cwd, to), JSON.stringify(report));
}

/** A live run that can collect nothing: fake credentials and an endpoint where nothing listens. */
const UNREACHABLE = '--region us-east-1 --endpoint-url http://127.0.0.1:9';
const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDRECIPE', AWS_SECRET_ACCESS_KEY: 'recipe-secret' };

/** The tarball the CI recipes install, packed from this checkout (the bundle pretest built), at tools/sg-audit.tgz. */
function packTarball(ws: { cwd: string }): void {
  const tools = join(ws.cwd, 'tools');
  mkdirSync(tools, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tools], { cwd: REPO_ROOT, encoding: 'utf8', env: npmEnv(ws.cwd) });
  assert.equal(packed.status, 0, packed.stderr);
  renameSync(join(tools, packed.stdout.trim().split('\n').pop() as string), join(tools, 'sg-audit.tgz'));
}

const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();

/** npm as a user's shell runs it: none of `npm test`'s npm_* variables, offline (the tarball needs nothing). */
function npmEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  return { ...env, HOME: home, npm_config_cache: npmCache, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
}

/**
 * Runs a recipe's install step as written, into a temporary prefix (npm_config_prefix, as a
 * global install honours it), and returns a workspace whose PATH finds that sg-audit first.
 */
function installAsWritten(step: string, ws: { cwd: string; env: NodeJS.ProcessEnv }): { cwd: string; env: NodeJS.ProcessEnv } {
  const prefix = mkdtempSync(join(tmpdir(), 'sg-audit-ci-prefix-'));
  const node = dirname(process.execPath);
  const install = spawnSync('/bin/sh', ['-c', step], { cwd: ws.cwd, env: { ...npmEnv(ws.cwd), npm_config_prefix: prefix, PATH: `${node}:/usr/bin:/bin` }, encoding: 'utf8' });
  assert.equal(install.status, 0, `${step}: ${install.stderr}`);
  assert.ok(existsSync(join(prefix, 'bin', 'sg-audit')), `${step} put sg-audit in ${prefix}/bin`);
  return { cwd: ws.cwd, env: { ...ws.env, PATH: `${join(prefix, 'bin')}:${node}:/usr/bin:/bin` } };
}

describe('documented recipes', () => {
  const ws = workspace();
  // The baseline recipe writes sg-baseline.json, which the CI recipes then read.
  const commands = [...shellCommands(doc('formats.md')), ...shellCommands(doc('baselines.md'))];

  test('the formats and baselines commands run as written: findings (exit 1) or a pass (exit 0); stderr only names the files a file-only run wrote', () => {
    assert.ok(commands.length >= 4, `found ${commands.length} commands`);
    for (const command of commands) {
      const { code, stdout, stderr } = run(command, ws);
      assert.ok(code === 0 || code === 1, `${command} exited ${code}: ${stderr}`);
      for (const line of stderr.split('\n').filter(Boolean)) assert.match(line, /^sg-audit: wrote \S+ \(\w+\)(, \S+ \(\w+\))* · (PASS|FAIL): /, command);
      // A run that prints no report says what it wrote; one that prints a report says nothing more.
      assert.equal(stdout === '' && !command.includes('--quiet'), stderr !== '', command);
    }
    assert.ok(existsSync(join(ws.cwd, 'sg.sarif')) && existsSync(join(ws.cwd, 'sg.json')) && existsSync(join(ws.cwd, 'sg-baseline.json')));
    // The baseline workflow: the account has not changed since it was written, so it passes.
    assert.equal(run('sg-audit --input snapshot/ --baseline sg-baseline.json', ws).code, 0);
  });

  test('the cron recipe mails nothing when nothing new fails, and the report when there are new findings or the audit is incomplete', () => {
    const text = doc('cron.md');
    const live = (command: string) => command.replace('--profile audit --region all', '--input snapshot/').replace(/\/var\/reports/g, 'reports');
    // Once: the accepted report.
    const [accept, systemd] = shellCommands(text);
    assert.ok(accept && systemd);
    assert.equal(run(live(accept), ws).code, 0);
    assert.ok(existsSync(join(ws.cwd, 'reports', 'accepted.json')));

    const [block] = codeBlocks(text, 'crontab');
    assert.ok(block);
    const fields = block.trim().split(/\s+/);
    assert.match(fields.slice(0, 5).join(' '), /^[\d*,/-]+ [\d*,/-]+ [\d*,/-]+ [\d*,/-]+ [\d*,/-]+$/);
    const line = block.trim().replace(/^(\S+\s+){5}/, '');
    assert.doesNotMatch(line.replace(/\\%/g, ''), /%/, 'every % in a crontab command is escaped');
    // cron turns \% into % and runs the line with /bin/sh.
    const command = live(line.replace(/\\%/g, '%'));

    // Nothing new: silent, so cron mails nothing; the reports are written.
    const quiet = run(command, ws);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout + quiet.stderr, '', 'silent, so cron mails nothing');
    const date = new Date().toISOString().slice(0, 10);
    assert.ok(existsSync(join(ws.cwd, 'reports', `sg-${date}.json`)) && existsSync(join(ws.cwd, 'reports', 'sg-latest.html')));

    // Two new findings: the report, with them and their fixes, is printed (and mailed).
    copyFileSync(join(ws.cwd, 'reports', 'accepted.json'), join(ws.cwd, 'reports', 'accepted-today.json'));
    baselineMissingTwo(ws, 'reports/accepted-today.json', 'reports/accepted.json');
    const fresh = run(command, ws);
    assert.match(fresh.stdout, /New since the baseline \(2\)/);
    assert.match(fresh.stdout, /aws ec2 revoke-security-group-ingress/);
    assert.match(fresh.stdout, /FAIL: 2 new findings at or above high/);
    copyFileSync(join(ws.cwd, 'reports', 'accepted-today.json'), join(ws.cwd, 'reports', 'accepted.json'));

    // An incomplete audit (nothing answers): the errors are printed (and mailed), never silence.
    const broken = run(line.replace(/\\%/g, '%').replace('--profile audit --region all', UNREACHABLE).replace(/\/var\/reports/g, 'reports'), { cwd: ws.cwd, env: { ...ws.env, ...FAKE_CREDENTIALS } });
    assert.match(broken.stdout, /sg-audit: error: ECONNREFUSED: .* — nothing answered at the endpoint/);
    assert.match(broken.stdout, /INCOMPLETE/);

    // The systemd variant: the exit code tells, 0 when nothing new fails, 1 when something does.
    assert.equal(run(live(systemd), ws).code, 0);
    baselineMissingTwo(ws, 'reports/accepted-today.json', 'reports/accepted.json');
    assert.equal(run(live(systemd), ws).code, 1);
    copyFileSync(join(ws.cwd, 'reports', 'accepted-today.json'), join(ws.cwd, 'reports', 'accepted.json'));
  });

  test('the GitHub Actions job: valid YAML; its install step as written installs the tarball; the audit passes with the baseline, and fails the job on new findings (1) and on an incomplete audit (3)', () => {
    const workflow = parseYaml(codeBlocks(doc('ci.md'), 'yaml')[0] ?? '') as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, string> }[] }>;
    };
    assert.equal(workflow.permissions['security-events'], 'write', 'uploading SARIF needs security-events: write');
    const steps = Object.values(workflow.jobs)[0]?.steps ?? [];
    assert.ok(steps.some((s) => s.uses?.startsWith('actions/checkout@')), 'the tarball comes with the checkout');
    const installStep = steps.find((s) => s.run?.startsWith('npm install --global '))?.run;
    assert.ok(installStep);
    packTarball(ws);
    const installed = installAsWritten(installStep, ws);
    const audit = steps.find((s) => s.run?.startsWith('sg-audit '));
    assert.ok(audit?.run);
    const { code, stderr } = run(audit.run, installed);
    assert.equal(code, 0, stderr);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    const sarifFile = upload?.with?.['sarif_file'];
    assert.ok(sarifFile && audit.run.includes(`sarif=${sarifFile}`));
    const sarif = JSON.parse(readFileSync(join(ws.cwd, sarifFile), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.ok((sarif.runs[0]?.results.length ?? 0) > 0);
    const summary = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'));
    assert.ok(summary?.run && existsSync(join(ws.cwd, summary.run.split(' ')[1] ?? '')), 'the summary step cats the Markdown the audit wrote');
    // New findings fail the job; so does an audit that could not complete.
    copyFileSync(join(ws.cwd, 'sg-baseline.json'), join(ws.cwd, 'sg-baseline-today.json'));
    baselineMissingTwo(ws, 'sg-baseline-today.json', 'sg-baseline.json');
    assert.equal(run(audit.run, installed).code, 1);
    copyFileSync(join(ws.cwd, 'sg-baseline-today.json'), join(ws.cwd, 'sg-baseline.json'));
    const incomplete = run(audit.run.replace('--input snapshot/', UNREACHABLE), { cwd: ws.cwd, env: { ...installed.env, ...FAKE_CREDENTIALS } });
    assert.equal(incomplete.code, 3, incomplete.stderr);
  });

  test('the GitLab job: valid YAML, its install step and script run as written, and the JUnit report it declares is the file written', () => {
    const job = Object.values(parseYaml(codeBlocks(doc('ci.md'), 'yaml')[1] ?? '') as Record<string, { script: string[]; artifacts: { reports: { junit: string } } }>)[0];
    assert.ok(job);
    const installStep = stringsIn(job.script).find((line) => line.startsWith('npm install --global '));
    assert.ok(installStep);
    if (!existsSync(join(ws.cwd, 'tools', 'sg-audit.tgz'))) packTarball(ws);
    const installed = installAsWritten(installStep, ws);
    const command = stringsIn(job.script).find((line) => line.startsWith('sg-audit '));
    assert.ok(command);
    const { code, stderr } = run(command, installed);
    assert.equal(code, 1, stderr); // no baseline here: the demo account's findings fail the job
    const junit = readFileSync(join(ws.cwd, job.artifacts.reports.junit), 'utf8');
    assert.match(junit, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  test('the sharded workflow: valid YAML, each shard audits and uploads its file, and the merge runs as written over the downloaded shards', () => {
    interface Step {
      uses?: string;
      run?: string;
      if?: string;
      with?: Record<string, string | boolean>;
    }
    const workflow = parseYaml(codeBlocks(doc('accounts.md'), 'yaml')[0] ?? '') as {
      permissions: Record<string, string>;
      jobs: {
        audit: { strategy: { matrix: { include: { shard: string; role: string; regions: string }[] } }; steps: Step[] };
        merge: { needs: string; if: string; steps: Step[] };
      };
    };
    assert.equal(workflow.permissions['security-events'], 'write', 'uploading SARIF needs security-events: write');
    const { audit, merge } = workflow.jobs;
    const shards = audit.strategy.matrix.include;
    assert.ok(shards.length >= 2);
    const auditStep = audit.steps.find((s) => s.run?.startsWith('sg-audit '));
    const upload = audit.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(auditStep?.run && typeof upload?.with?.['path'] === 'string');
    assert.match(auditStep.run, /--format json=shard-\$\{\{ matrix\.shard \}\}\.json/);
    assert.equal(merge.needs, 'audit');
    const download = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    const shardDir = download?.with?.['path'];
    assert.ok(typeof shardDir === 'string' && download?.with?.['merge-multiple'] === true, 'the artifacts land in one folder');

    // Each shard's audit, as written, with its live flags swapped for the demo account's saved
    // regions that it names; its upload and the download are a copy into the shard folder.
    mkdirSync(join(ws.cwd, shardDir), { recursive: true });
    const withMatrix = (text: string, shard: (typeof shards)[number]) =>
      text.replace(/\$\{\{ matrix\.(\w+) \}\}/g, (_whole, key: string) => String(shard[key as keyof typeof shard]));
    let written = 0;
    for (const shard of shards) {
      const saved = shard.regions.split(' ').filter((region) => existsSync(join(ws.cwd, 'snapshot', region)));
      if (saved.length === 0) continue;
      const command = withMatrix(auditStep.run.replace('--region ${{ matrix.regions }}', `--input ${saved.map((r) => `snapshot/${r}`).join(' ')}`), shard);
      const { code, stdout, stderr } = run(command, ws);
      assert.equal(code, 0, `${command}: ${stderr}`); // findings (exit 1) are left to the merge
      assert.equal(stdout + stderr, '', command);
      const file = withMatrix(upload.with['path'] as string, shard);
      copyFileSync(join(ws.cwd, file), join(ws.cwd, shardDir, basename(file)));
      written++;
    }
    assert.equal(written, 2, 'the demo account has two regions, each in one shard');

    const mergeRun = merge.steps.find((s) => s.run?.startsWith('sg-audit merge '))?.run;
    assert.ok(mergeRun && mergeRun.includes(`${shardDir}/*.json`), 'the merge reads the downloaded shards');
    const { code, stdout, stderr } = run(mergeRun, ws);
    assert.equal(code, 1, stderr); // the demo account's findings fail the merged gate
    assert.equal(stderr, '');
    assert.match(stdout, /1 account · 2 regions/);
    const sarifFile = merge.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))?.with?.['sarif_file'];
    assert.ok(typeof sarifFile === 'string' && mergeRun.includes(`sarif=${sarifFile}`));
    // The merged SARIF holds what one audit of the whole account does.
    assert.equal(run('sg-audit --input snapshot/ --format sarif=unsharded.sarif', ws).code, 1);
    const results = (file: string) => (JSON.parse(readFileSync(join(ws.cwd, file), 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]?.results;
    assert.ok((results(sarifFile)?.length ?? 0) > 0);
    assert.deepEqual(results(sarifFile), results('unsharded.sarif'));
    assert.ok(
      merge.steps.some((s) => s.if?.includes("needs.audit.result != 'success'") && s.run?.includes('exit 1')),
      'a shard that wrote no report fails the workflow',
    );
  });
});
