// --baseline end to end on copies of the bundled demo account: an unchanged account passes, one
// new finding fails, a fixed one is counted, and fingerprints survive what must not change them
// (order, clock, names, descriptions) and change with what must (ports, families, severity).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { AuditReport } from '../../src/report/types.js';
import { REPO_ROOT, runBin, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');

interface SavedGroup {
  GroupId: string;
  GroupName: string;
  Description: string;
  IpPermissions: Record<string, unknown>[];
  Tags?: { Key: string; Value: string }[];
}

/** A copy of the demo account, with us-east-1's groups changed by `edit`. */
function demoCopy(edit: (groups: SavedGroup[]) => SavedGroup[] = (g) => g): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-baseline-'));
  cpSync(DEMO, dir, { recursive: true });
  const file = join(dir, 'us-east-1', 'describe-security-groups.json');
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { SecurityGroups: SavedGroup[] };
  writeFileSync(file, JSON.stringify({ SecurityGroups: edit(saved.SecurityGroups) }, null, 2));
  return dir;
}

function byName(groups: SavedGroup[], name: string): SavedGroup {
  const group = groups.find((g) => g.GroupName === name);
  assert.ok(group, `no group ${name} in the demo account`);
  return group;
}

async function jsonReport(args: readonly string[], at = '2026-01-02T03:04:05.000Z'): Promise<{ code: number; report: AuditReport; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--format', 'json'], {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
    env: { NO_COLOR: '1' },
    now: () => new Date(at),
  });
  return { code, report: JSON.parse(stdout) as AuditReport, stderr };
}

function saveReport(report: AuditReport): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sg-audit-baseline-report-')), 'baseline.json');
  writeFileSync(file, JSON.stringify(report));
  return file;
}

const original = await jsonReport(['--input', DEMO]);
const baselineFile = saveReport(original.report);
const fingerprints = (report: AuditReport) => report.findings.map((f) => f.fingerprint).sort();

describe('--baseline (end to end)', () => {
  test('the demo account fails without a baseline', () => {
    assert.equal(original.code, 1);
    assert.ok(original.report.summary.failing > 0);
  });

  test('an unchanged account passes: every finding unchanged, none new or fixed, exit 0', async () => {
    const { code, report } = await jsonReport(['--input', DEMO, '--baseline', baselineFile]);
    assert.equal(code, 0);
    assert.equal(report.summary.status, 'pass');
    assert.equal(report.summary.failing, 0);
    // The findings are still reported, and still count: a baseline hides nothing.
    assert.equal(report.summary.findings, original.report.summary.findings);
    assert.ok(report.findings.every((f) => f.baseline === 'unchanged'));
    assert.deepEqual(
      { new: report.baseline?.new, unchanged: report.baseline?.unchanged, fixed: report.baseline?.fixed, notRechecked: report.baseline?.notRechecked },
      { new: 0, unchanged: original.report.findings.length, fixed: 0, notRechecked: 0 },
    );
    assert.equal(report.baseline?.file, baselineFile);
  });

  test('one new finding at or above --fail-on fails the run (exit 1), and only it counts as failing', async () => {
    const input = demoCopy((groups) => {
      byName(groups, 'acme-prod-db').IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debugging, back out soon' }] });
      return groups;
    });
    // acme-prod-db's instances have no public address: in context the new SSH finding is medium.
    const { code, report } = await jsonReport(['--input', input, '--baseline', baselineFile, '--fail-on', 'medium']);
    assert.equal(code, 1);
    const fresh = report.findings.filter((f) => f.baseline === 'new');
    assert.deepEqual(
      fresh.map((f) => [f.ruleId, f.resource.name]),
      [['ssh-open-to-internet', 'acme-prod-db']],
    );
    assert.equal(report.summary.failing, 1);
    assert.equal(report.baseline?.new, 1);
  });

  test('a finding accepted only while the internet could not reach it is new at full severity', async () => {
    // The baseline has launch-wizard-3's SSH lowered (attached to nothing); without the context it is high again.
    const lowered = original.report.findings.find((f) => f.resource.name === 'launch-wizard-3' && f.ruleId === 'ssh-open-to-internet');
    assert.equal(lowered?.context?.loweredFrom, 'high');
    const { code, report } = await jsonReport(['--input', DEMO, '--baseline', baselineFile, '--no-exposure-context']);
    assert.equal(code, 1);
    const fresh = report.findings.filter((f) => f.baseline === 'new');
    assert.equal(fresh.length, original.report.findings.filter((f) => f.context).length);
    assert.ok(fresh.some((f) => f.fingerprint === lowered?.fingerprint && f.severity === 'high'));
    assert.equal(report.baseline?.fixed, 0, 'the same findings, not fixed ones');
  });

  test('a new finding below --fail-on does not fail the run', async () => {
    const input = demoCopy((groups) => {
      byName(groups, 'acme-prod-db').IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'debugging, back out soon' }] });
      return groups;
    });
    const { code, report } = await jsonReport(['--input', input, '--baseline', baselineFile, '--fail-on', 'critical']);
    assert.equal(code, 0);
    assert.equal(report.baseline?.new, 1);
  });

  test('a fixed finding is counted and listed; the rest are unchanged', async () => {
    const input = demoCopy((groups) => groups.filter((g) => g.GroupName !== 'acme-staging-debug-open'));
    const gone = original.report.findings.filter((f) => f.resource.name === 'acme-staging-debug-open');
    assert.ok(gone.length > 0);
    const { code, report } = await jsonReport(['--input', input, '--baseline', baselineFile]);
    assert.equal(code, 0);
    assert.equal(report.baseline?.fixed, gone.length);
    assert.deepEqual(report.baseline?.fixedFindings.map((f) => f.fingerprint).sort(), gone.map((f) => f.fingerprint).sort());
    assert.equal(report.baseline?.new, 0);
  });

  test('findings of regions or rules this run did not audit are "not re-checked", never "fixed"', async () => {
    const oneRegion = await jsonReport(['--input', join(DEMO, 'us-east-1'), '--baseline', baselineFile]);
    assert.equal(oneRegion.code, 0);
    const usEast = original.report.findings.filter((f) => f.resource.region === 'us-east-1');
    assert.deepEqual(
      [oneRegion.report.baseline?.unchanged, oneRegion.report.baseline?.fixed, oneRegion.report.baseline?.notRechecked],
      [usEast.length, 0, original.report.findings.length - usEast.length],
    );
    const oneRule = await jsonReport(['--input', DEMO, '--rule', 'unused-sg', '--baseline', baselineFile]);
    const unused = original.report.findings.filter((f) => f.ruleId === 'unused-sg');
    assert.deepEqual(
      [oneRule.report.baseline?.unchanged, oneRule.report.baseline?.fixed, oneRule.report.baseline?.notRechecked],
      [unused.length, 0, original.report.findings.length - unused.length],
    );
  });

  test('fingerprints do not change with the clock, the file order, names or descriptions', async () => {
    const later = await jsonReport(['--input', DEMO], '2027-06-30T23:59:59.000Z');
    assert.deepEqual(fingerprints(later.report), fingerprints(original.report));
    const shuffled = demoCopy((groups) =>
      [...groups].reverse().map((g) => ({
        ...g,
        GroupName: g.GroupName === 'default' ? g.GroupName : `${g.GroupName}-renamed`,
        Description: 'edited',
        Tags: [{ Key: 'Name', Value: 'tagged later' }],
      })),
    );
    // launch-wizard-* is a name rule: renaming the group fixes it, so those are left out.
    const { report } = await jsonReport(['--input', shuffled, '--skip-rule', 'launch-wizard-sg']);
    const expected = original.report.findings.filter((f) => f.ruleId !== 'launch-wizard-sg').map((f) => f.fingerprint);
    assert.deepEqual(fingerprints(report), expected.sort());
  });

  test('fingerprints change when what is open changes: another family, another port', async () => {
    const ssh = original.report.findings.find((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.name === 'acme-staging-jump');
    assert.ok(ssh, 'the demo account has SSH open on acme-staging-jump');
    const widened = demoCopy((groups) => {
      const jump = byName(groups, 'acme-staging-jump');
      jump.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'v6 too' }] });
      jump.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'alt ssh' }] });
      return groups;
    });
    const { report } = await jsonReport(['--input', widened, '--baseline', baselineFile]);
    const after = report.findings.filter((f) => f.resource.name === 'acme-staging-jump' && f.baseline === 'new').map((f) => f.ruleId);
    // SSH now open over IPv6 too; tcp 2222 is a new port open to the internet.
    assert.deepEqual(after.sort(), ['ssh-open-to-internet', 'unauthorized-port-open-to-internet']);
  });

  test('the binary: a baseline and three reports in one run, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-outputs-'));
    const { code, stdout, stderr } = await runBin([
      '--input',
      DEMO,
      '--baseline',
      baselineFile,
      '--format',
      'table',
      '--format',
      `json=${join(dir, 'report.json')}`,
      '--format',
      `sarif=${join(dir, 'report.sarif')}`,
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /Baseline [\s\S]*?: 0\snew,\s+\d+\sunchanged,\s+0\sfixed/);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as AuditReport;
    assert.equal(json.baseline?.new, 0);
    const sarif = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8')) as { runs: { results: { baselineState: string }[] }[] };
    assert.ok(sarif.runs[0]?.results.every((r) => r.baselineState === 'unchanged'));
  });
});

describe('--baseline: bad files are exit 2 with one line', () => {
  const cases: [string, string | undefined, RegExp][] = [
    ['a missing file', undefined, /cannot read --baseline .*: no such file/],
    ['not JSON', '{"schemaVersion": 1,', /is not valid JSON/],
    ['JSON that is not a report', '{"SecurityGroups": []}', /is not an sg-audit JSON report/],
    ['a newer schema', '{"schemaVersion": 2, "tool": {"name": "sg-audit"}, "findings": []}', /schemaVersion 2; this sg-audit reads 1/],
    ['a finding without a fingerprint', '{"schemaVersion": 1, "tool": {"name": "sg-audit"}, "findings": [{"ruleId": "x"}]}', /findings\[0\] has no fingerprint/],
  ];
  for (const [name, text, expected] of cases) {
    test(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sg-audit-bad-baseline-'));
      const file = join(dir, 'baseline.json');
      if (text !== undefined) writeFileSync(file, text);
      const { code, stdout, stderr } = await runMain(['--input', DEMO, '--baseline', file]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      const lines = stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] as string, expected);
      assert.match(lines[0] as string, / — /, 'the line says the way out');
    });
  }
});
