// Golden files: the expected output of a renderer, byte for byte, under test/golden/. Run the
// suite with UPDATE_GOLDEN=1 to rewrite them, then review the diff like code.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './cli.js';

export function assertGolden(relativePath: string, actual: string): void {
  const file = join(REPO_ROOT, 'test', 'golden', relativePath);
  if (process.env['UPDATE_GOLDEN']) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${relativePath} is missing: run \`npm run test:update\` and review it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from test/golden/${relativePath} (UPDATE_GOLDEN=1 rewrites it)`);
}
