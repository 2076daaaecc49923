import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULES } from '../rules/index.js';
import { ruleReferenceMarkdown } from '../src/report/rule-docs.js';
import { REPO_ROOT } from './helpers/cli.js';

test("the README's first section names the two commands, and they are the real ones", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(0, readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  assert.match(quickStart, /npm ci && node bin\/sg-audit\.js --input examples\/demo-account/);
  assert.match(quickStart, /npm test/);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.ok(pkg.scripts['test'], 'package.json has a test script');
});

test('docs/rules.md is generated from the current catalog (npm run docs:rules)', () => {
  const docs = readFileSync(join(REPO_ROOT, 'docs', 'rules.md'), 'utf8');
  assert.equal(docs, ruleReferenceMarkdown(RULES), 'docs/rules.md is stale: run `npm run docs:rules`');
  for (const { meta } of RULES) assert.ok(docs.includes(`## ${meta.id}\n`), `docs/rules.md documents ${meta.id}`);
});

test('the terminal samples in the README and docs/formats.md are lines of the real 80-column report (its golden)', () => {
  // A count and its noun are joined by a no-break space in the report; the docs show a space.
  const golden = readFileSync(join(REPO_ROOT, 'test', 'golden', 'table', 'terminal', 'demo-account.80.txt'), 'utf8').replaceAll('\u00a0', ' ').split('\n');
  for (const file of ['README.md', join('docs', 'formats.md')]) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    const sample = /```text\n(── sg-[\s\S]*?)```/.exec(text)?.[1];
    assert.ok(sample, `${file} shows the terminal report`);
    for (const line of sample.split('\n').filter((l) => l !== '' && l.trim() !== '…')) {
      assert.ok(golden.includes(line), `${file}: "${line}" is not a line of the demo account's report at 80 columns`);
    }
  }
});

test('the plan report in docs/plans.md is the real one (its golden)', () => {
  const golden = readFileSync(join(REPO_ROOT, 'test', 'golden', 'plans', 'web.txt'), 'utf8').replaceAll('\u00a0', ' ');
  const text = readFileSync(join(REPO_ROOT, 'docs', 'plans.md'), 'utf8');
  const sample = /```text\n(New with this change[\s\S]*?)```/.exec(text)?.[1];
  assert.equal(sample, golden, 'docs/plans.md shows the report of test/fixtures/plans/web/plan.json (test/golden/plans/web.txt)');
});
