// The documented recipes work as written: every sg-audit command of docs/formats.md and
// docs/baselines.md runs (in that order, in a scratch directory where `snapshot/` is the bundled
// demo account), through a shell as a user would type it, and so do the cron line (docs/cron.md),
// the CI jobs (docs/ci.md), and the sharding recipes of docs/accounts.md (a GitHub Actions matrix,
// a Kubernetes Indexed Job, an AWS Batch array job) live against the fake endpoint.
// Live-only flags are swapped for the snapshot, or for a local endpoint where nothing listens: no
// test talks to AWS. Install steps run as written, into a temporary prefix, npm offline.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { AuditReport } from '../src/report/types.js';
import { BIN, outputOf, REPO_ROOT } from './helpers/cli.js';
import { MANAGEMENT, startFakeOrganization, type FakeOrganization } from './helpers/organization.js';
import { sgRule, tfPlan } from './helpers/terraform-plan.js';

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

/** As run, without blocking: the fake endpoint these commands call answers from this process. */
function runAsync(command: string, ws: { cwd: string; env: NodeJS.ProcessEnv }, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return outputOf(spawn('/bin/sh', ['-c', command], { cwd: ws.cwd, env: { ...ws.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The flags of the documented organisation audit, for the unsharded run the shards must add up to. */
const ORG_FLAGS = "--role-arn 'arn:aws:iam::{account}:role/SgAudit' --accounts organization --region all";

/** What the recipe tests read of a Kubernetes manifest. */
interface PodSpec {
  restartPolicy?: string;
  containers: {
    command?: string[];
    args?: string[];
    env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}
interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    accessModes?: string[];
    template: { spec: PodSpec };
  };
}

/** What the recipe tests read of an AWS Batch job definition. */
interface BatchJobDefinition {
  jobDefinitionName: string;
  containerProperties: {
    command: string[];
    environment?: { name: string; value: string }[];
    volumes: { name: string; efsVolumeConfiguration?: { fileSystemId: string } }[];
    mountPoints: { sourceVolume: string; containerPath: string }[];
  };
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
});

// The sharding recipes of docs/accounts.md run live, against the fake endpoint serving a small
// organisation (EC2, STS and Organizations): each shard's command as written, with the index
// variables its scheduler would set, the credentials and endpoints in the environment and the
// shared volume a scratch folder; then the merge as written, whose report must equal one
// unsharded run's. The containers run an image with sg-audit in it (its Dockerfile's install line is
// run as written); the GitHub jobs install the tarball as docs/ci.md's job does.
describe('documented sharding recipes (live, over the fake organisation)', () => {
  let org: FakeOrganization;
  let ws: { cwd: string; env: NodeJS.ProcessEnv };
  let whole: AuditReport;
  const section = () => {
    const text = doc('accounts.md');
    return text.slice(text.indexOf('## Sharding an organisation'));
  };

  before(async () => {
    // Two accounts, two regions: three pairs, one a shard (a pair each keeps every shard on one thread, and the test quick).
    org = await startFakeOrganization({ [MANAGEMENT]: ['us-east-1'], '222222222222': ['us-east-1', 'eu-west-1'] });
    const base = workspace();
    ws = { cwd: base.cwd, env: { ...base.env, ...org.env } };
    const reference = await runAsync(`sg-audit ${ORG_FLAGS} --quiet --format json=whole.json --format sarif=whole.sarif`, ws, { AWS_REGION: 'us-east-1' });
    assert.equal(reference.code, 1, reference.stderr);
    whole = readJson<AuditReport>(join(ws.cwd, 'whole.json'));
  });

  after(async () => {
    await org.fake.close();
    assert.deepEqual(org.fake.violations, []);
  });

  /** A merged report equals the unsharded one: findings, summary, rules, suppressions, errors. */
  const sameAsWhole = (file: string) => {
    const merged = readJson<AuditReport>(file);
    assert.ok(merged.findings.length > 0);
    assert.deepEqual(merged.findings, whole.findings);
    assert.deepEqual(merged.summary, whole.summary);
    assert.deepEqual([merged.rules, merged.suppressions, merged.errors, merged.run.accounts, merged.run.regions], [whole.rules, whole.suppressions, whole.errors, whole.run.accounts, whole.run.regions]);
    assert.equal(merged.run.shard, undefined);
  };

  test('the container image: its Dockerfile installs the packed tarball as written; the Kubernetes and Batch commands fetch nothing; the matrix installs as the CI gates do', () => {
    const [dockerfile] = codeBlocks(section(), 'dockerfile');
    assert.ok(dockerfile);
    const copy = /^COPY (\S+) (\S+)$/m.exec(dockerfile);
    const runLine = /^RUN (.+)$/m.exec(dockerfile)?.[1];
    assert.ok(copy && runLine && copy[1]?.startsWith('sg-audit-') && copy[1].endsWith('.tgz'));
    // The file COPY names is what npm pack writes; the RUN line, with the image's path mapped to a scratch one.
    const scratch = mkdtempSync(join(tmpdir(), 'sg-audit-image-'));
    packTarball({ cwd: scratch });
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(copy[1], `sg-audit-${version}.tgz`);
    renameSync(join(scratch, 'tools', 'sg-audit.tgz'), join(scratch, 'image.tgz'));
    const installed = installAsWritten(runLine.replaceAll(copy[2] as string, join(scratch, 'image.tgz')), { cwd: scratch, env: ws.env });
    assert.equal(spawnSync('sg-audit', ['--version'], { env: installed.env, encoding: 'utf8' }).stdout.trim(), version);
    const text = section();
    const images = [...text.matchAll(/"?image"?: "?(\S+?)"?,?$/gm)].map((m) => m[1]);
    assert.ok(images.length >= 4 && images.every((image) => image?.includes('/sg-audit:')), 'every container runs the image');
    assert.doesNotMatch(text.slice(text.indexOf('### Kubernetes')), /npm install/, 'no container installs at start');
    const ciInstall = /run: (npm install --global \S+)/.exec(doc('ci.md'))?.[1];
    const matrixInstalls = [...text.matchAll(/run: (npm install --global \S+)/g)].map((m) => m[1]);
    assert.ok(ciInstall && matrixInstalls.length === 2 && matrixInstalls.every((line) => line === ciInstall));
  });

  test('the sh example: three shards, one after the other, and the merge, exit 1 as the whole run; the merged SARIF is the whole run\'s', async () => {
    const commands = codeBlocks(section(), 'sh')[0]?.split('\n').filter((line) => line.startsWith('sg-audit ')) ?? [];
    assert.equal(commands.length, 4);
    // On machines of their own: at once.
    const shards = commands.slice(0, 3);
    const runs = await Promise.all(shards.map((command) => runAsync(command, ws, { AWS_REGION: 'us-east-1' })));
    for (const [i, { code, stdout, stderr }] of runs.entries()) {
      assert.match(shards[i] as string, / --shard \d\/3 /);
      assert.equal(code, 1, `${shards[i]}: ${stderr}`);
      assert.equal(stdout + stderr, '');
    }
    const { code, stdout, stderr } = await runAsync(commands[3] as string, ws);
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /2 accounts · 2 regions · /);
    const results = (file: string) => readJson<{ runs: { results: unknown[] }[] }>(join(ws.cwd, file)).runs[0]?.results;
    assert.deepEqual(results('sg.sarif'), results('whole.sarif'));
  });

  test('the GitHub Actions matrix: each job audits its shard and uploads it; the merge over the downloaded shards equals the whole run, and names a missing shard', async () => {
    interface Step {
      uses?: string;
      run?: string;
      if?: string;
      env?: Record<string, string>;
      with?: Record<string, string | boolean>;
    }
    const workflow = parseYaml(codeBlocks(section(), 'yaml')[0] ?? '') as {
      permissions: Record<string, string>;
      jobs: { audit: { strategy: { matrix: { shard: number[] } }; steps: Step[] }; merge: { needs: string; if: string; steps: Step[] } };
    };
    assert.equal(workflow.permissions['security-events'], 'write', 'uploading SARIF needs security-events: write');
    assert.equal(workflow.permissions['id-token'], 'write', 'assuming the role through OIDC needs id-token: write');
    const { audit, merge } = workflow.jobs;
    const shards = audit.strategy.matrix.shard;
    assert.deepEqual(shards, Array.from({ length: shards.length }, (_, i) => i + 1), 'the matrix counts shards from 1');
    const credentials = audit.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const auditStep = audit.steps.find((s) => s.run?.startsWith('sg-audit '));
    const upload = audit.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(auditStep?.run && typeof upload?.with?.['path'] === 'string' && typeof credentials?.with?.['aws-region'] === 'string');
    assert.match(auditStep.run, /--shard \$\{\{ matrix\.shard \}\}\/\$\{\{ strategy\.job-total \}\}/);
    assert.equal(merge.needs, 'audit');
    const download = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    const shardDir = download?.with?.['path'];
    assert.ok(typeof shardDir === 'string' && download?.with?.['merge-multiple'] === true, 'the artifacts land in one folder');
    mkdirSync(join(ws.cwd, shardDir), { recursive: true });

    // GitHub's expressions, as the runner fills them in for each job of the matrix.
    const filled = (text: string, shard: number) =>
      text.replace(/\$\{\{ ([\w.-]+) \}\}/g, (whole, name: string) =>
        name === 'matrix.shard' ? String(shard) : name === 'strategy.job-total' ? String(shards.length) : name === 'github.run_id' ? '4242' : whole,
      );
    const job = async (shard: number) => {
      const env = Object.fromEntries(Object.entries(auditStep.env ?? {}).map(([k, v]) => [k, filled(v, shard)]));
      const command = filled(auditStep.run as string, shard);
      assert.doesNotMatch(command + JSON.stringify(env), /\$\{\{/);
      const { code, stdout, stderr } = await runAsync(command, ws, { ...env, AWS_REGION: credentials.with?.['aws-region'] as string });
      assert.equal(code, 0, `${command}: ${stderr}`); // findings (exit 1) are left to the merge
      assert.equal(stdout + stderr, '', command);
      const file = filled(upload.with?.['path'] as string, shard);
      assert.equal(readJson<AuditReport>(join(ws.cwd, file)).run.shard?.run, '4242');
      copyFileSync(join(ws.cwd, file), join(ws.cwd, shardDir, basename(file)));
    };
    await Promise.all(shards.map(job));

    const mergeRun = merge.steps.find((s) => s.run?.startsWith('sg-audit merge '))?.run;
    assert.ok(mergeRun && mergeRun.includes(`${shardDir}/*.json`), 'the merge reads the downloaded shards');
    const sarifFile = merge.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))?.with?.['sarif_file'];
    assert.ok(typeof sarifFile === 'string' && mergeRun.includes(`sarif=${sarifFile}`));
    const merged = await runAsync(mergeRun, ws);
    assert.equal(merged.code, 1, merged.stderr); // the organisation's findings fail the merged gate
    assert.equal(merged.stderr, '');
    assert.match(merged.stdout, /2 accounts · 2 regions · /);
    const results = (file: string) => readJson<{ runs: { results: unknown[] }[] }>(join(ws.cwd, file)).runs[0]?.results;
    assert.deepEqual(results(sarifFile), results('whole.sarif'));

    // A job that wrote no report: the merge says which shard is missing, exit 3, and writes nothing.
    rmSync(join(ws.cwd, shardDir, 'shard-2.json'));
    rmSync(join(ws.cwd, sarifFile));
    const partial = await runAsync(mergeRun, ws);
    assert.equal(partial.code, 3);
    assert.match(partial.stderr, /^sg-audit: error: shard 2 of 3 is missing \(2 of 3 given\)/);
    assert.ok(!existsSync(join(ws.cwd, sarifFile)));
  });

  test('the Kubernetes Indexed Job: one pod per index with its JOB_COMPLETION_INDEX and the Job\'s uid, the shards on the shared volume; the merge Job\'s report equals the whole run; a shard of an earlier Job is refused', async () => {
    const manifests = codeBlocks(section(), 'yaml').flatMap((block) => parseAllDocuments(block).map((d) => d.toJS() as KubeObject));
    const job = manifests.find((m) => m.kind === 'Job' && m.spec?.completionMode === 'Indexed');
    const mergeJob = manifests.find((m) => m.kind === 'Job' && m !== job);
    const claim = manifests.find((m) => m.kind === 'PersistentVolumeClaim');
    assert.ok(job?.spec && mergeJob?.spec && claim, 'an Indexed Job, a merge Job and the volume claim');
    assert.equal(job.apiVersion, 'batch/v1');
    assert.ok(claim.spec?.accessModes?.includes('ReadWriteMany'), 'pods on several nodes write to the volume');
    const total = job.spec.completions as number;
    assert.ok(total > 1 && (job.spec.parallelism ?? 1) <= total);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Never');
    const container = pod.containers[0];
    assert.ok(container);
    const script = container.args?.[0] ?? '';
    assert.deepEqual(container.command, ['sh', '-c']);
    assert.match(script, new RegExp(`--shard auto/${total} `), 'N is the Job\'s completions');
    assert.match(script, /\$JOB_COMPLETION_INDEX/);
    const runId = container.env?.find((e) => e.name === 'SG_AUDIT_RUN_ID');
    assert.equal(runId?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['batch.kubernetes.io/controller-uid']");
    const volumeOf = (spec: PodSpec) => {
      const mount = spec.containers[0]?.volumeMounts?.[0];
      const volume = spec.volumes?.find((v) => v.name === mount?.name);
      assert.equal(volume?.persistentVolumeClaim?.claimName, claim.metadata.name);
      return mount?.mountPath as string;
    };
    const mountPath = volumeOf(pod);
    const volume = join(ws.cwd, 'k8s-volume');
    mkdirSync(volume);
    const onVolume = (text: string, path: string) => text.replaceAll(path, volume);
    const plainEnv = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));

    const runPod = async (index: number, uid: string) => {
      // A pod of its own each: at once.
      const { code, stdout, stderr } = await runAsync(onVolume(script, mountPath), ws, { ...plainEnv, JOB_COMPLETION_INDEX: String(index), SG_AUDIT_RUN_ID: uid });
      assert.equal(code, 0, stderr);
      assert.equal(stdout + stderr, '');
    };
    await Promise.all(Array.from({ length: total }, (_, index) => runPod(index, 'job-uid-2')));
    assert.deepEqual(readdirSync(volume).sort(), Array.from({ length: total }, (_, i) => `shard-${i}.json`));
    assert.equal(readJson<AuditReport>(join(volume, 'shard-0.json')).run.shard?.index, 1, 'index 0 is shard 1');

    const mergePod = mergeJob.spec.template.spec;
    const mergeScript = onVolume(mergePod.containers[0]?.args?.[0] ?? '', volumeOf(mergePod));
    const merged = await runAsync(mergeScript, ws);
    assert.equal(merged.code, 1, merged.stderr);
    assert.match(merged.stdout, /2 accounts · 2 regions · /);
    const report = mergeScript.match(/--format json=(\S+)/)?.[1];
    assert.ok(report);
    sameAsWhole(report);

    // An earlier Job's report left on the volume (this Job's pod for index 1 wrote none).
    const earlier = readJson<AuditReport & { run: { shard: { run: string } } }>(join(volume, 'shard-1.json'));
    earlier.run.shard.run = 'job-uid-1';
    writeFileSync(join(volume, 'shard-1.json'), JSON.stringify(earlier));
    const stale = await runAsync(mergeScript, ws);
    assert.equal(stale.code, 3);
    assert.match(stale.stderr, /^sg-audit: error: the shard reports come from different runs \(run job-uid-2: .*; run job-uid-1: .*shard-1\.json\)/);
  });

  test('the AWS Batch array job: each child with its AWS_BATCH_JOB_ARRAY_INDEX and job id, the shards on EFS; the merge job that depends on the array writes the whole run\'s report', async () => {
    const definitions = codeBlocks(section(), 'json').flatMap((block) => {
      try {
        const parsed = JSON.parse(block) as BatchJobDefinition;
        return parsed.jobDefinitionName ? [parsed] : [];
      } catch {
        return [];
      }
    });
    const shardDef = definitions.find((d) => d.containerProperties.command.join(' ').includes('--shard auto/'));
    const mergeDef = definitions.find((d) => d.containerProperties.command.join(' ').includes('sg-audit merge '));
    assert.ok(shardDef && mergeDef, 'a job definition for the shards and one for the merge');
    const submit = codeBlocks(section(), 'sh').flatMap((b) => b.split('\n')).filter((line) => line.includes('aws batch submit-job'));
    const arrayJob = submit.find((line) => line.includes('--array-properties'));
    const mergeJob = submit.find((line) => line.includes('--depends-on'));
    assert.ok(arrayJob && mergeJob);
    assert.ok(arrayJob.includes(`--job-definition ${shardDef.jobDefinitionName} `) && mergeJob.includes(`--job-definition ${mergeDef.jobDefinitionName} `));
    assert.match(mergeJob, /--depends-on jobId=\$ARRAY\b/);
    const size = Number(arrayJob.match(/--array-properties size=(\d+)/)?.[1]);
    const [shell, flag, script] = shardDef.containerProperties.command;
    assert.deepEqual([shell, flag], ['sh', '-c']);
    assert.match(script ?? '', new RegExp(`--shard auto/${size} `), 'N is the array size');

    const volumeOf = (def: BatchJobDefinition) => {
      const mount = def.containerProperties.mountPoints[0];
      assert.ok(def.containerProperties.volumes.some((v) => v.name === mount?.sourceVolume && v.efsVolumeConfiguration?.fileSystemId));
      return mount?.containerPath as string;
    };
    const efs = join(ws.cwd, 'efs');
    mkdirSync(efs);
    const environment = Object.fromEntries((shardDef.containerProperties.environment ?? []).map((e) => [e.name, e.value]));
    const child = async (index: number) => {
      const command = (script as string).replaceAll(volumeOf(shardDef), efs);
      const { code, stdout, stderr } = await runAsync(command, ws, { ...environment, AWS_BATCH_JOB_ARRAY_INDEX: String(index), AWS_BATCH_JOB_ID: `0b5e1f7c-array:${index}` });
      assert.equal(code, 0, stderr);
      assert.equal(stdout + stderr, '');
    };
    await Promise.all(Array.from({ length: size }, (_, index) => child(index)));
    assert.equal(readJson<AuditReport>(join(efs, 'shard-2.json')).run.shard?.run, '0b5e1f7c-array', 'the array job is the run');
    const mergeCommand = (mergeDef.containerProperties.command[2] ?? '').replaceAll(volumeOf(mergeDef), efs);
    const merged = await runAsync(mergeCommand, ws);
    assert.equal(merged.code, 1, merged.stderr);
    sameAsWhole(mergeCommand.match(/--format json=(\S+)/)?.[1] ?? '');
  });
});

// The plan recipes of docs/plans.md, run as written: the GitHub Actions and GitLab jobs install the
// packed tarball as the CI gates do, and run every step with a stand-in for `terraform` on PATH (it
// prints a fixture plan for `show -json`, written as Terraform writes it) over a checkout whose
// `infra/` holds the fixture's .tf files. The gate fails on what the plan adds (exit 1), passes on a
// plan that only carries old debt (exit 0), and the SARIF results point at the .tf lines.
describe('documented plan recipes (docs/plans.md)', () => {
  const PLANS = join(REPO_ROOT, 'test', 'fixtures', 'plans');
  const text = doc('plans.md');

  /** A plan with nothing new: the legacy group's SSH from anywhere stays as it was (old debt). */
  const oldDebt = (): string => {
    const values = {
      id: 'sg-0f1e2d3c4b5a69788',
      arn: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0f1e2d3c4b5a69788',
      name: 'legacy',
      description: 'legacy hosts',
      vpc_id: 'vpc-0a1b2c3d4e5f60789',
      ingress: [sgRule(22, 22, 'tcp', { cidr: ['0.0.0.0/0'] })],
      egress: [],
    };
    return JSON.stringify(tfPlan({ resources: [{ address: 'aws_security_group.legacy', action: 'no-op', before: values, after: values }] }), null, 2);
  };

  /** The tarball, packed once for the jobs of this section (each checkout gets a copy in tools/). */
  let packed: string | undefined;
  const withTarball = (ws: { cwd: string }) => {
    if (packed === undefined) {
      packTarball(ws);
      packed = join(ws.cwd, 'tools', 'sg-audit.tgz');
      return;
    }
    mkdirSync(join(ws.cwd, 'tools'), { recursive: true });
    copyFileSync(packed, join(ws.cwd, 'tools', 'sg-audit.tgz'));
  };

  /** A checkout: infra/ with the web fixture's code, the tarball in tools/, and the stand-in terraform. */
  function checkout(): { cwd: string; env: NodeJS.ProcessEnv; useplan: (json: string) => void } {
    const ws = workspace();
    mkdirSync(join(ws.cwd, 'infra', 'modules', 'app'), { recursive: true });
    copyFileSync(join(PLANS, 'web', 'main.tf'), join(ws.cwd, 'infra', 'main.tf'));
    copyFileSync(join(PLANS, 'web', 'modules', 'app', 'main.tf'), join(ws.cwd, 'infra', 'modules', 'app', 'main.tf'));
    const terraform = join(ws.cwd, '.bin', 'terraform');
    writeFileSync(
      terraform,
      [
        '#!/bin/sh',
        '# A stand-in for terraform: plan writes plan.out; show -json prints the plan the test chose.',
        'dir=.',
        'for arg in "$@"; do case "$arg" in -chdir=*) dir="${arg#-chdir=}" ;; esac; done',
        'case " $* " in',
        '  *" show "*) exec cat "$STAND_IN_PLAN" ;;',
        '  *" plan "*) printf \'PK\\003\\004\' > "$dir/plan.out" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(terraform, 0o755);
    const planFile = join(ws.cwd, '.stand-in-plan.json');
    copyFileSync(join(PLANS, 'web', 'plan.json'), planFile);
    return { cwd: ws.cwd, env: { ...ws.env, STAND_IN_PLAN: planFile, GITHUB_STEP_SUMMARY: join(ws.cwd, '.summary.md') }, useplan: (json) => writeFileSync(planFile, json) };
  }

  /** The installed sg-audit first on PATH, then the stand-in terraform (after it: the checkout's own sg-audit shim stays hidden). */
  const standIn = (installed: { cwd: string; env: NodeJS.ProcessEnv }, ws: { cwd: string; env: NodeJS.ProcessEnv }) => ({
    cwd: ws.cwd,
    env: { ...installed.env, PATH: `${installed.env['PATH'] ?? ''}:${join(ws.cwd, '.bin')}`, STAND_IN_PLAN: ws.env['STAND_IN_PLAN'] as string, GITHUB_STEP_SUMMARY: ws.env['GITHUB_STEP_SUMMARY'] as string },
  });

  test('the sh example: the plan alone and with saved context fail on what it adds; a live context that cannot be read is incomplete (3); a template', () => {
    const ws = checkout();
    symlinkSync(join(PLANS, 'web', 'account'), join(ws.cwd, 'saved'));
    copyFileSync(join(PLANS, 'cfn', 'web.yaml'), join(ws.cwd, 'template.yaml'));
    const lines = (codeBlocks(text, 'sh')[0] ?? '').split('\n').filter(Boolean).map((line) => line.replace(/\s+#.*$/, ''));
    const [terraform, ...audits] = lines;
    assert.ok(terraform && terraform.startsWith('terraform plan '));
    assert.equal(run(terraform, ws).code, 0);
    assert.ok(existsSync(join(ws.cwd, 'plan.json')));
    assert.equal(audits.length, 4);
    for (const command of audits) {
      const live = command.includes('--profile prod');
      const { code, stdout, stderr } = run(live ? command.replace('--profile prod', UNREACHABLE) : command, live ? { cwd: ws.cwd, env: { ...ws.env, ...FAKE_CREDENTIALS } } : ws);
      if (live) {
        assert.equal(code, 3, `${command}: ${stderr}`);
        assert.match(stderr, /ECONNREFUSED/);
      } else {
        assert.equal(code, 1, `${command}: ${stderr}`);
        assert.match(stdout, command.includes('template') ? /sg-cfn:WebSecurityGroup/ : /^New with this change/);
      }
    }
  });

  test('the GitHub Actions job: installs as written, fails on what the plan adds with SARIF at the .tf lines, passes on old debt', () => {
    interface Step {
      uses?: string;
      run?: string;
      if?: string;
      with?: Record<string, string | boolean>;
    }
    const workflow = parseYaml(codeBlocks(text, 'yaml')[0] ?? '') as { permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
    assert.equal(workflow.permissions['security-events'], 'write', 'uploading SARIF needs security-events: write');
    const steps = Object.values(workflow.jobs)[0]?.steps ?? [];
    assert.equal(steps.find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))?.with?.['terraform_wrapper'], false, 'the wrapper would add lines to the JSON');
    const ws = checkout();
    withTarball(ws);
    const install = steps.find((s) => s.run?.startsWith('npm install --global '))?.run;
    assert.ok(install);
    const installed = installAsWritten(install, ws);
    const env = standIn(installed, ws);
    const audit = steps.find((s) => s.run?.startsWith('sg-audit '));
    const runJob = (): number => {
      let auditCode = -1;
      for (const step of steps) {
        if (!step.run || step.run === install) continue;
        // After the audit, only the steps that run always() (the summary, the upload) go on.
        if (auditCode > 0 && !step.if?.startsWith('always()')) continue;
        const { code, stderr } = run(step.run, env);
        if (step === audit) auditCode = code;
        else assert.equal(code, 0, `${step.run}: ${stderr}`);
      }
      return auditCode;
    };
    assert.equal(runJob(), 1);
    const sarifFile = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))?.with?.['sarif_file'];
    assert.ok(typeof sarifFile === 'string' && audit?.run?.includes(`sarif=${sarifFile}`));
    const sarif = readJson<{ runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] }>(join(ws.cwd, sarifFile));
    const ssh = sarif.runs[0]?.results.find((r) => r.ruleId === 'ssh-open-to-internet');
    assert.deepEqual(ssh?.locations[0]?.physicalLocation, { artifactLocation: { uri: 'infra/modules/app/main.tf' }, region: { startLine: 9 } });
    assert.match(readFileSync(join(ws.cwd, '.summary.md'), 'utf8'), /### New with this change \(5\)/);
    // A pull request that changes nothing the gate judges: the old debt does not fail it.
    ws.useplan(oldDebt());
    assert.equal(runJob(), 0);
  });

  test('the GitLab job: its script as written; the JUnit report it declares is the file written; exit 1 on what the plan adds', () => {
    const job = Object.values(parseYaml(codeBlocks(text, 'yaml')[1] ?? '') as Record<string, { script: string[]; artifacts: { paths: string[]; reports: { junit: string } } }>)[0];
    assert.ok(job);
    const ws = checkout();
    withTarball(ws);
    const install = job.script.find((line) => line.startsWith('npm install --global '));
    assert.ok(install);
    const installed = installAsWritten(install, ws);
    const env = standIn(installed, ws);
    for (const line of job.script.filter((l) => l !== install)) {
      const { code, stderr } = run(line, env);
      assert.equal(code, line.startsWith('sg-audit ') ? 1 : 0, `${line}: ${stderr}`);
    }
    assert.match(readFileSync(join(ws.cwd, job.artifacts.reports.junit), 'utf8'), /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    for (const path of job.artifacts.paths) assert.ok(existsSync(join(ws.cwd, path)), path);
  });
});
