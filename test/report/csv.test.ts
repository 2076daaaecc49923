// The CSV report: goldens, then the text parsed back with csv-parse — one row per finding in the
// documented columns, CRLF rows, no BOM, formula-safe cells, no raw control characters, and
// values that round-trip to the JSON report's.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { failingFindings } from '../../src/engine/gate.js';
import { forTerminal } from '../../src/report/sanitize.js';
import { parsePortSpec } from '../../src/rules-kit/port-spec.js';
import type { AuditReport } from '../../src/report/types.js';
import { runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;

/** The documented header, spelled out: renaming or reordering a column breaks importers. */
const COLUMNS = [
  'severity',
  'rule',
  'title',
  'resource_type',
  'resource_id',
  'resource_name',
  'account',
  'region',
  'vpc',
  'message',
  'ports',
  'sources',
  'remediation',
  'remediation_command',
  'suppressed',
  'suppression_reason',
  'suppression_owner',
  'suppression_expires',
  'baseline',
  'fails_run',
  'fingerprint',
];

type Row = Record<string, string>;

/** Parses the CSV after checking its framing: CRLF rows, no BOM, no raw control characters. */
function parseCsv(text: string): { header: string[]; rows: Row[] } {
  assert.ok(!text.startsWith('\ufeff'), 'no byte-order mark');
  assert.ok(text.endsWith('\r\n'), 'the last row ends with CRLF');
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
  const header = (parse(text, { to_line: 1 }) as string[][])[0] ?? [];
  const rows = parse(text, { columns: true }) as Row[];
  return { header, rows };
}

/** What a cell should read after parsing: the sanitized text, an apostrophe before a formula start. */
function expectedCell(raw: string): string {
  return /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(raw) ? `'${forTerminal(raw)}` : forTerminal(raw);
}

async function csvAndJson(args: readonly string[]): Promise<{ code: number; text: string; rows: Row[]; report: AuditReport }> {
  const csv = await runMain([...args, '--format', 'csv']);
  const json = await runMain([...args, '--format', 'json']);
  assert.equal(csv.code, json.code);
  const { header, rows } = parseCsv(csv.stdout);
  assert.deepEqual(header, COLUMNS);
  return { code: csv.code, text: csv.stdout, rows, report: JSON.parse(json.stdout) as AuditReport };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sg-audit-csv-'));
}

describe('csv report', () => {
  test('golden: demo account', async () => {
    const { stdout } = await runMain([...DEMO, '--format', 'csv']);
    parseCsv(stdout);
    assertGolden('csv/demo-account.csv', stdout);
  });

  test('golden: hostile strings', async () => {
    const { stdout } = await runMain([...HOSTILE, '--format', 'csv']);
    parseCsv(stdout);
    assertGolden('csv/hostile.csv', stdout);
  });

  test('one row per finding, in report order, every value round-tripping to the JSON report', async () => {
    const { rows, report } = await csvAndJson(DEMO);
    assert.equal(rows.length, report.findings.length);
    assert.ok(rows.length > 0);
    const failing = new Set(failingFindings(report.findings, report.run.failOn).map((f) => f.fingerprint));
    report.findings.forEach((f, i) => {
      const row = rows[i]!;
      assert.deepEqual(
        {
          severity: row['severity'],
          rule: row['rule'],
          title: row['title'],
          resource_type: row['resource_type'],
          resource_id: row['resource_id'],
          resource_name: row['resource_name'],
          account: row['account'],
          region: row['region'],
          vpc: row['vpc'],
          message: row['message'],
          sources: row['sources'],
          remediation: row['remediation'],
          remediation_command: row['remediation_command'],
          suppressed: row['suppressed'],
          baseline: row['baseline'],
          fails_run: row['fails_run'],
          fingerprint: row['fingerprint'],
        },
        {
          severity: f.severity,
          rule: f.ruleId,
          title: expectedCell(f.title),
          resource_type: f.resource.type,
          resource_id: expectedCell(f.resource.id),
          resource_name: expectedCell(f.resource.name),
          account: f.resource.accountId,
          region: f.resource.region,
          vpc: f.resource.vpcId ?? '',
          message: expectedCell(f.message),
          sources: (f.sources ?? []).join(', '),
          remediation: expectedCell(f.remediation),
          remediation_command: expectedCell(f.remediationCommand ?? ''),
          suppressed: 'no',
          baseline: '',
          fails_run: failing.has(f.fingerprint) ? 'yes' : 'no',
          fingerprint: f.fingerprint,
        },
        `row ${i}`,
      );
    });
    assert.equal(rows.filter((r) => r['fails_run'] === 'yes').length, report.summary.failing);
  });

  test('ports read as suppressions write them (tcp/22, tcp/8000-8080), and parse back to the finding\'s spans', async () => {
    const { rows, report } = await csvAndJson(DEMO);
    const withPorts = report.findings.filter((f) => (f.ports ?? []).length > 0);
    assert.ok(withPorts.length > 0);
    report.findings.forEach((f, i) => {
      const cell = rows[i]?.['ports'] ?? '';
      assert.deepEqual(cell === '' ? [] : cell.split(', ').map(parsePortSpec), [...(f.ports ?? [])], `row ${i}: ${cell}`);
    });
    const all = await csvAndJson([...HOSTILE, '--rule', 'all-traffic-open-to-internet']);
    assert.equal(all.rows[0]?.['ports'], 'tcp/0-65535, udp/0-65535');
  });

  test('hostile text: controls shown as escapes, never raw, and the values otherwise intact', async () => {
    const { rows, report } = await csvAndJson(HOSTILE);
    assert.equal(rows.length, report.findings.length);
    report.findings.forEach((f, i) => {
      assert.equal(rows[i]?.['resource_name'], expectedCell(f.resource.name));
      assert.equal(rows[i]?.['message'], expectedCell(f.message));
    });
    assert.ok(rows.some((r) => r['resource_name']?.startsWith('evil\\x1b[31m RED') && r['resource_name'].includes('\\x0d\\x0asecond line \\u{202e}evil-rtl')));
  });

  test('cells a spreadsheet would run as a formula start with an apostrophe', async () => {
    const names = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1', '\uff1dSUM(1)', 'safe = name'];
    const dir = tempDir();
    writeFileSync(
      join(dir, 'describe-security-groups.json'),
      JSON.stringify({
        SecurityGroups: names.map((name, i) => ({
          GroupId: `sg-0f0000000000000${i}`,
          GroupName: name,
          Description: name,
          OwnerId: '123456789012',
          VpcId: 'vpc-0f000000000000001',
          SecurityGroupArn: `arn:aws:ec2:us-east-1:123456789012:security-group/sg-0f0000000000000${i}`,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: name }] }],
          IpPermissionsEgress: [],
        })),
      }),
    );
    const { rows, report } = await csvAndJson(['--input', dir, '--rule', 'ssh-open-to-internet']);
    assert.equal(rows.length, names.length);
    const byId = new Map(rows.map((r) => [r['resource_id'], r]));
    for (const f of report.findings) {
      const cell = byId.get(f.resource.id)?.['resource_name'] ?? '';
      if (f.resource.name === 'safe = name') assert.equal(cell, 'safe = name');
      else {
        assert.ok(cell.startsWith("'"), `${JSON.stringify(f.resource.name)} → ${cell}`);
        assert.equal(cell, expectedCell(f.resource.name));
      }
    }
    // The tab and CR starts are shown as escapes after the apostrophe, never raw.
    assert.ok(rows.some((r) => r['resource_name'] === "'\\x09=1+1"));
    assert.ok(rows.some((r) => r['resource_name'] === "'\\x0d=1"));
  });

  test('suppressed findings are rows too, with the reason, owner and expiry; they do not fail the run', async () => {
    const before = await csvAndJson(DEMO);
    const target = before.report.findings[0]!;
    const dir = tempDir();
    const config = join(dir, 'sg-audit.yml');
    writeFileSync(
      config,
      `suppressions:\n  - rule: ${target.ruleId}\n    resource: ${JSON.stringify(target.resource.id)}\n    reason: "=cmd|' /C calc'!A0, ticket SEC-1"\n    owner: "@platform"\n    expires: "2099-12-31"\n`,
    );
    const { rows, report } = await csvAndJson([...DEMO, '--config', config]);
    assert.equal(rows.length, report.findings.length);
    assert.equal(rows.length, before.rows.length);
    const suppressed = rows.filter((r) => r['suppressed'] === 'yes');
    assert.equal(suppressed.length, report.summary.suppressed);
    assert.ok(suppressed.length > 0);
    for (const row of suppressed) {
      assert.equal(row['suppression_reason'], "'=cmd|' /C calc'!A0, ticket SEC-1");
      assert.equal(row['suppression_owner'], "'@platform");
      assert.equal(row['suppression_expires'], '2099-12-31');
      assert.equal(row['fails_run'], 'no');
    }
    for (const row of rows.filter((r) => r['suppressed'] === 'no')) {
      assert.deepEqual([row['suppression_reason'], row['suppression_owner'], row['suppression_expires']], ['', '', '']);
    }
  });

  test('with --baseline, the baseline column says new or unchanged', async () => {
    const dir = tempDir();
    const baseline = join(dir, 'baseline.json');
    assert.equal((await runMain([...DEMO, '--rule', 'ssh-open-to-internet', '--format', `json=${baseline}`])).code, 1);
    const { code, rows } = await csvAndJson([...DEMO, '--baseline', baseline]);
    assert.equal(code, 1);
    const unchanged = rows.filter((r) => r['baseline'] === 'unchanged');
    assert.ok(unchanged.length > 0);
    assert.ok(unchanged.every((r) => r['rule'] === 'ssh-open-to-internet' && r['fails_run'] === 'no'));
    assert.ok(rows.filter((r) => r['rule'] !== 'ssh-open-to-internet').every((r) => r['baseline'] === 'new'));
  });

  test('no findings: the header row alone', async () => {
    const { rows, text } = await csvAndJson([...HOSTILE, '--rule', 'launch-wizard-sg']);
    assert.equal(rows.length, 0);
    assert.equal(text, `${COLUMNS.map((c) => `"${c}"`).join(',')}\r\n`);
  });
});
