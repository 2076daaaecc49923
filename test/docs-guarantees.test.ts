// docs/guarantees.md stays true: every test it cites exists, the bounds and caps it states are the
// code's, and the docs that should point at it do.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SWEEP_BOUNDS, DEFAULT_RETRY } from '../src/collect/retry.js';
import { MAX_FIELD_CHARS, MAX_LINE_CHARS } from '../src/report/sanitize.js';
import { REPO_ROOT } from './helpers/cli.js';

const doc = (name: string) => readFileSync(join(REPO_ROOT, name), 'utf8');

test('every test docs/guarantees.md cites exists', () => {
  const cited = [...doc('docs/guarantees.md').matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)].map((m) => m[1] as string);
  assert.ok(cited.length >= 6, `${cited.length} tests cited`);
  for (const file of cited) assert.ok(existsSync(join(REPO_ROOT, file)), file);
});

test('the bounds and caps docs/guarantees.md states are the code\'s', () => {
  const text = doc('docs/guarantees.md');
  assert.match(text, new RegExp(`pages of one paginated call \\| ${DEFAULT_SWEEP_BOUNDS.maxPages} \\|`));
  assert.match(text, new RegExp(`\\| ${DEFAULT_SWEEP_BOUNDS.timeoutMs / 60_000}m \\|`));
  assert.match(text, new RegExp(`\\| ${DEFAULT_RETRY.maxAttempts} / ${DEFAULT_RETRY.maxTransientAttempts} \\|`));
  assert.match(text, new RegExp(`\\| ${DEFAULT_RETRY.deadlineMs / 60_000} minutes \\|`));
  assert.match(text, new RegExp(`at most ${MAX_FIELD_CHARS} characters`));
  assert.match(text, new RegExp(`at most ${MAX_LINE_CHARS} characters`));
  for (const name of ['--max-pages', 'SG_AUDIT_MAX_PAGES', '--sweep-timeout', 'SG_AUDIT_SWEEP_TIMEOUT']) {
    assert.ok(text.includes(name), name);
    assert.ok(doc('docs/live.md').includes(name), `docs/live.md names ${name}`);
  }
});

test('the architecture\'s Fail closed section and the README link the guarantees', () => {
  const architecture = doc('docs/architecture.md');
  const failClosed = architecture.slice(architecture.indexOf('## Fail closed'), architecture.indexOf('\n## ', architecture.indexOf('## Fail closed') + 1));
  assert.match(failClosed, /\(guarantees\.md\)/);
  assert.match(doc('README.md'), /\(docs\/guarantees\.md\)/);
});
