// Thousands of findings are drawn as stacked cli-table3 tables (its row spans get slow) stitched
// into one: the reader must see a single table with one header and every row.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runMain } from '../helpers/cli.js';

test('250 findings of one severity render as one continuous table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-blocks-'));
  const groups = Array.from({ length: 250 }, (_, i) => ({
    GroupId: `sg-${i.toString(16).padStart(17, '0')}`,
    GroupName: `launch-wizard-${i}`,
    OwnerId: '111122223333',
    VpcId: 'vpc-1',
    IpPermissions: [],
    IpPermissionsEgress: [],
  }));
  const input = join(dir, 'describe-security-groups.json');
  writeFileSync(input, JSON.stringify({ SecurityGroups: groups }));
  const { code, stdout } = await runMain(['--input', input, '--region', 'us-east-1', '--rule', 'launch-wizard-sg']);
  assert.equal(code, 0);
  const table = stdout.slice(0, stdout.indexOf('└'));
  const lines = `${table}${stdout.slice(stdout.indexOf('└')).split('\n')[0]}`.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('┌')).length, 1, 'one top border');
  assert.equal((stdout.match(/└/g) ?? []).length, 1, 'one bottom border');
  assert.equal((stdout.match(/│ Severity │/g) ?? []).length, 1, 'one header');
  assert.equal((stdout.match(/launch-wizard-sg/g) ?? []).length, 250, 'every finding has its row');
  assert.equal((stdout.match(/│ LOW +│/g) ?? []).length, 1, 'the severity is named once for its group');
  assert.equal(new Set(lines.map((l) => [...l].length)).size, 1, 'every line of the table has the same width');
  for (const line of lines.slice(1)) assert.match(line, /^[│├└]/, `no seam between the stacked tables: ${line}`);
});
