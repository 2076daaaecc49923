// End-to-end: the config file and suppressions on the bundled demo account (offline input),
// in process with a fixed clock (2026-01-02), and through the built binary for the default
// file found in the working directory. Findings are taken from a run without a config, so the
// tests follow the catalog rather than pin its counts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AuditReport } from '../../src/report/types.js';
import { REPO_ROOT, runBin, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');
/** A reduced rule set whose findings (all high, without exposure context) fail the run. */
const SSH = ['--input', DEMO, '--rule', 'ssh-open-to-internet', '--no-exposure-context'];

function configFile(text: string, name = 'sg-audit.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function jsonRun(args: readonly string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const { code, stdout, stderr } = await runMain([...args, '--format', 'json']);
  return { code, report: JSON.parse(stdout) as AuditReport, stderr };
}

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `expected exactly one stderr line, got:\n${stderr}`);
  return lines[0] as string;
}

/** YAML for suppressions of these findings, naming each resource by id, ARN or name in turn. */
function suppressionsFor(report: AuditReport, extra: (i: number) => string = () => ''): string {
  return report.findings
    .map((f, i) => {
      const resource = [f.resource.id, f.resource.arn, f.resource.name][i % 3] as string;
      return `  - rule: ${f.ruleId}\n    resource: ${JSON.stringify(resource)}\n    reason: "accepted #${i}"\n${extra(i)}`;
    })
    .join('');
}

const baseline = await jsonRun(SSH);

describe('config file (end to end)', () => {
  test('the baseline: the reduced rule set fails the run with high findings', () => {
    assert.equal(baseline.code, 1);
    assert.ok(baseline.report.findings.length >= 2);
    assert.ok(baseline.report.findings.every((f) => f.ruleId === 'ssh-open-to-internet' && f.severity === 'high'));
    assert.deepEqual(baseline.report.suppressions, []);
    assert.equal(baseline.report.run.config, undefined);
  });

  test('severity in context: on by default; off with --no-exposure-context or the config\'s exposureContext: false', async () => {
    const inContext = await jsonRun(['--input', DEMO, '--rule', 'ssh-open-to-internet']);
    const wizard = (r: AuditReport) => r.findings.find((f) => f.resource.name === 'launch-wizard-3');
    assert.equal(wizard(inContext.report)?.severity, 'medium');
    assert.match(wizard(inContext.report)?.message ?? '', / — medium rather than high: the group is attached to no network interface$/);
    assert.equal(wizard(baseline.report)?.severity, 'high');
    const configured = await jsonRun(['--input', DEMO, '--rule', 'ssh-open-to-internet', '--config', configFile('exposureContext: false\n')]);
    assert.deepEqual(configured.report.findings, baseline.report.findings);
  });

  test('a bad config: exit 2, exactly one stderr line naming the file, the key and the fix, nothing on stdout', async () => {
    const file = configFile('rules:\n  ssh-open-to-internt: off\n');
    const { code, stdout, stderr } = await runMain([...SSH, '--config', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      oneLine(stderr),
      `sg-audit: error: ${file}: rules.ssh-open-to-internt: unknown rule id — did you mean "ssh-open-to-internet"? (sg-audit rules lists them)`,
    );
  });

  test('a bad option and a suppression without a reason: one line each', async () => {
    const bad = await runMain([...SSH, '--config', configFile('rules:\n  too-many-open-ports: { options: { maxOpenPorts: many } }\n')]);
    assert.equal(bad.code, 2);
    assert.match(oneLine(bad.stderr), /: rules\.too-many-open-ports\.options\.maxOpenPorts: must be integer — /);
    const noReason = await runMain([...SSH, '--config', configFile('suppressions:\n  - { rule: unused-sg, resource: "*" }\n')]);
    assert.equal(noReason.code, 2);
    assert.match(oneLine(noReason.stderr), /: suppressions\[0\]\.reason: is required — say why this finding is accepted/);
  });

  test('a YAML syntax error: exit 2, one line with line and column', async () => {
    const { code, stderr } = await runMain([...SSH, '--config', configFile('failOn: high\n  rules: x\n')]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /sg-audit\.yml:\d+:\d+: invalid YAML: /);
  });

  test('a missing --config file: exit 2', async () => {
    const { code, stderr } = await runMain([...SSH, '--config', join(tmpdir(), 'no-such-sg-audit.yml')]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /no-such-sg-audit\.yml: cannot read the config file: no such file — check the --config path$/);
  });

  test('suppressing the failing findings turns exit 1 into 0; the report still lists them with the reason', async () => {
    const file = configFile(`suppressions:\n${suppressionsFor(baseline.report)}`);
    const { code, report, stderr } = await jsonRun([...SSH, '--config', file]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '', 'no warning: every suppression is used');
    assert.equal(report.run.config, file);
    assert.equal(report.findings.length, baseline.report.findings.length, 'nothing is dropped');
    for (const f of report.findings) {
      assert.match(f.suppressed?.reason ?? '', /^accepted #\d+$/, `${f.resource.id} is suppressed`);
    }
    assert.equal(report.summary.status, 'pass');
    assert.equal(report.summary.suppressed, baseline.report.findings.length);
    assert.equal(report.summary.findings, 0);
    assert.equal(report.summary.failing, 0);
    assert.ok(report.suppressions.every((s) => s.status === 'active' && s.matched >= 1));
  });

  test('a suppression carries owner and expiry into the finding', async () => {
    const first = baseline.report.findings[0]!;
    const file = configFile(
      `suppressions:\n  - rule: ssh-open-to-internet\n    resource: ${first.resource.id}\n    ports: [tcp/22]\n    reason: bastion\n    owner: platform\n    expires: 2026-06-30\n`,
    );
    const { code, report } = await jsonRun([...SSH, '--config', file]);
    assert.equal(code, 1, 'the other findings still fail the run');
    const marked = report.findings.find((f) => f.resource.id === first.resource.id);
    assert.deepEqual(marked?.suppressed, { reason: 'bastion', owner: 'platform', expires: '2026-06-30', suppression: 0 });
    assert.deepEqual(report.suppressions, [
      {
        index: 0,
        rule: 'ssh-open-to-internet',
        resource: first.resource.id,
        ports: ['tcp/22'],
        reason: 'bastion',
        owner: 'platform',
        expires: '2026-06-30',
        status: 'active',
        matched: report.findings.filter((f) => f.suppressed).length,
      },
    ]);
  });

  test('an expired suppression: a warning, its findings count again, exit 1', async () => {
    // The clock is 2026-01-02: a suppression that expired on 2026-01-01 no longer applies.
    const file = configFile(`suppressions:\n${suppressionsFor(baseline.report, (i) => (i === 0 ? '    expires: 2026-01-01\n' : ''))}`);
    const { code, report, stderr } = await jsonRun([...SSH, '--config', file]);
    assert.equal(code, 1);
    assert.equal(report.suppressions[0]?.status, 'expired');
    const warning = oneLine(stderr);
    assert.match(warning, /^sg-audit: warning: suppressions\[0\] \(ssh-open-to-internet on .+\) expired on 2026-01-01: its finding counts again/);
    assert.ok(report.warnings.some((w) => w.includes('expired on 2026-01-01')));
    assert.equal(report.findings.filter((f) => !f.suppressed).length, 1);
  });

  test('a suppression that expires today still applies (exit 0)', async () => {
    const file = configFile(`suppressions:\n${suppressionsFor(baseline.report, () => '    expires: 2026-01-02\n')}`);
    const { code, report } = await jsonRun([...SSH, '--config', file]);
    assert.equal(code, 0);
    assert.ok(report.suppressions.every((s) => s.status === 'active'));
  });

  test('an unused suppression is listed with a warning; one for a rule that did not run is not', async () => {
    const file = configFile(
      'suppressions:\n' +
        '  - { rule: ssh-open-to-internet, resource: sg-0000000000000dead, reason: long gone }\n' +
        '  - { rule: unused-sg, resource: "*", reason: not run with --rule ssh-open-to-internet }\n',
    );
    const { code, report, stderr } = await jsonRun([...SSH, '--config', file]);
    assert.equal(code, 1);
    assert.deepEqual(
      report.suppressions.map((s) => [s.status, s.matched]),
      [
        ['unused', 0],
        ['not-evaluated', 0],
      ],
    );
    assert.equal(
      oneLine(stderr),
      'sg-audit: warning: suppressions[0] (ssh-open-to-internet on sg-0000000000000dead) matched no finding: remove it or fix its rule/resource',
    );
  });

  test('failOn from the config; --fail-on wins over it', async () => {
    const file = configFile('failOn: critical\n');
    const fromConfig = await jsonRun([...SSH, '--config', file]);
    assert.equal(fromConfig.code, 0);
    assert.equal(fromConfig.report.run.failOn, 'critical');
    const fromFlag = await jsonRun([...SSH, '--config', file, '--fail-on', 'high']);
    assert.equal(fromFlag.code, 1);
    assert.equal(fromFlag.report.run.failOn, 'high');
    const json = await jsonRun([...SSH, '--config', configFile('{"failOn": "none"}', 'sg-audit.json')]);
    assert.equal(json.code, 0, 'a JSON config');
  });

  test('a rule turned off in the config does not run; --rule runs it anyway', async () => {
    const file = configFile('rules:\n  unused-sg: off\n');
    const all = await jsonRun(['--input', DEMO, '--config', file]);
    assert.ok(!all.report.rules.some((r) => r.id === 'unused-sg'));
    assert.ok(!all.report.findings.some((f) => f.ruleId === 'unused-sg'));
    const named = await jsonRun(['--input', DEMO, '--config', file, '--rule', 'unused-sg']);
    assert.deepEqual(
      named.report.rules.map((r) => r.id),
      ['unused-sg'],
    );
    assert.ok(named.report.findings.some((f) => f.ruleId === 'unused-sg'));
  });

  test('a severity override shows in the report (rules and findings)', async () => {
    const { code, report } = await jsonRun([...SSH, '--config', configFile('rules:\n  ssh-open-to-internet: critical\n'), '--fail-on', 'critical']);
    assert.equal(code, 1);
    assert.equal(report.rules.find((r) => r.id === 'ssh-open-to-internet')?.severity, 'critical');
    assert.ok(report.findings.length > 0);
    assert.ok(report.findings.every((f) => f.severity === 'critical'));
    assert.equal(report.summary.bySeverity.critical, report.findings.length);
  });

  test('options from the config reach the rule', async () => {
    const { report } = await jsonRun([...SSH, '--config', configFile('rules:\n  ssh-open-to-internet: { options: { ports: [2222] } }\n')]);
    assert.ok(report.findings.length < baseline.report.findings.length);
  });

  test('the table shows suppressed findings apart, with the reason, and counts them', async () => {
    const [first, ...rest] = baseline.report.findings;
    const file = configFile(
      `suppressions:\n  - rule: ssh-open-to-internet\n    resource: ${first!.resource.id}\n    reason: "ok\\e[31m"\n    owner: ops\n`,
    );
    const { code, stdout } = await runMain([...SSH, '--config', file]);
    assert.equal(code, 1);
    const [active, suppressed] = stdout.split('Suppressed (1)');
    assert.ok(suppressed !== undefined, 'a Suppressed (1) section');
    assert.ok(!active!.includes(first!.resource.id), 'the suppressed finding is not among the failing rows');
    assert.ok(rest.every((f) => active!.includes(f.resource.id)));
    assert.ok(suppressed.includes(first!.resource.id));
    assert.match(suppressed, new RegExp(`ssh-open-to-internet on ${first!.resource.id} \\([^)]*\\): ok\\\\x1b\\[31m`), 'the reason, with its escape shown, not obeyed');
    assert.doesNotMatch(stdout, /\u001b/);
    assert.match(suppressed, /\(owner\s+ops\)/);
    assert.match(stdout, new RegExp(`${rest.length} findings on ${rest.length} resources: ${rest.length}\\s+high · 1 suppressed\n`));
  });
});

describe('default config file (built binary, run in a directory)', () => {
  function dirWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-cwd-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  test('.sg-audit.yml in the working directory is used', async () => {
    const dir = dirWith({ '.sg-audit.yml': `suppressions:\n${suppressionsFor(baseline.report)}` });
    const { code, stdout, stderr } = await runBin([...SSH, '--format', 'json'], {}, dir);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as AuditReport;
    assert.equal(report.run.config, '.sg-audit.yml');
    assert.ok(report.findings.every((f) => f.suppressed));
  });

  test('--no-config ignores it', async () => {
    const dir = dirWith({ '.sg-audit.yml': 'failOn: none\n' });
    assert.equal((await runBin(SSH, {}, dir)).code, 0);
    assert.equal((await runBin([...SSH, '--no-config'], {}, dir)).code, 1);
  });

  test('a bad default file: exit 2, one line naming it', async () => {
    const dir = dirWith({ '.sg-audit.yml': 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, expires: 2026-13-01 }\n' });
    const { code, stderr } = await runBin(SSH, {}, dir);
    assert.equal(code, 2);
    assert.equal(
      oneLine(stderr),
      'sg-audit: error: .sg-audit.yml: suppressions[0].expires: "2026-13-01" is not a date (YYYY-MM-DD) — the last day (UTC) the suppression applies, e.g. `expires: 2026-12-31`',
    );
  });

  test('two default files: exit 2, naming both', async () => {
    const dir = dirWith({ '.sg-audit.yml': '', '.sg-audit.json': '{}' });
    const { code, stderr } = await runBin(SSH, {}, dir);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /more than one config file in the current directory: \.sg-audit\.yml, \.sg-audit\.json — keep one, or choose one with --config FILE/);
  });
});
