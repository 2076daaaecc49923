// Golden outputs of every format, for the bundled example account and for hostile strings.
// The clock is fixed by runMain; colour is off (NO_COLOR); width is the non-terminal default.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const cases = {
  'demo-account': ['--input', 'examples/demo-account'],
  hostile: ['--input', 'test/fixtures/hostile'],
} as const;

describe('golden reports', () => {
  for (const [name, args] of Object.entries(cases)) {
    test(`table: ${name}`, async () => {
      const { stdout } = await runMain([...args]);
      assertGolden(`table/${name}.txt`, stdout);
    });

    test(`json: ${name}`, async () => {
      const { stdout } = await runMain([...args, '--format', 'json']);
      JSON.parse(stdout);
      assertGolden(`json/${name}.json`, stdout);
    });
  }

  test('hostile text: no raw control, bidi or C1 characters in any format', async () => {
    for (const format of ['table', 'json']) {
      const { stdout } = await runMain([...cases.hostile, '--format', format]);
      assert.doesNotMatch(stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, format);
    }
  });

  test('hostile text survives JSON exactly (escaped, not lost)', async () => {
    const { stdout } = await runMain([...cases.hostile, '--format', 'json']);
    const report = JSON.parse(stdout) as { findings: { resource: { name: string } }[] };
    assert.ok(report.findings.some((f) => f.resource.name.startsWith('evil\u001b[31m RED')));
  });
});
