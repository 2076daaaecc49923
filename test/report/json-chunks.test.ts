// The JSON report is written in pieces (a finding at a time) so a large one is never held whole;
// joined, the pieces must be exactly the report serialized at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderJson, renderJsonChunks } from '../../src/report/render-json.js';
import { escapeJsonText } from '../../src/report/sanitize.js';
import type { AuditReport } from '../../src/report/types.js';
import { REPO_ROOT } from '../helpers/cli.js';

const wholeJson = (report: AuditReport) => `${escapeJsonText(JSON.stringify(report, null, 2))}\n`;

test('pieces joined are the report serialized at once: none, one and every finding, hostile text included', () => {
  for (const name of ['demo-account', 'hostile']) {
    const report = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'golden', 'json', `${name}.json`), 'utf8')) as AuditReport;
    for (const findings of [[], report.findings.slice(0, 1), report.findings]) {
      const variant = { ...report, findings };
      assert.equal([...renderJsonChunks(variant)].join(''), wholeJson(variant), `${name} with ${findings.length} finding(s)`);
      assert.equal(renderJson(variant), wholeJson(variant));
    }
  }
});

test('one piece per finding, so memory does not grow with the report', () => {
  const report = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'golden', 'json', 'demo-account.json'), 'utf8')) as AuditReport;
  assert.equal([...renderJsonChunks(report)].length, report.findings.length + 2);
});
