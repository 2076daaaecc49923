// Report files are written whole or not at all, also when their text comes in pieces rendered as
// it is written (a large JSON report): a failure leaves the old files, and no temporary file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeBatches, writeFileAtomic, writeFilesAtomic } from '../../src/cli/write.js';

const dir = () => mkdtempSync(join(tmpdir(), 'sg-audit-write-'));

describe('writing reports', () => {
  test('a text in pieces is written as their concatenation, a whole text as it is', async () => {
    const d = dir();
    const pieces = Array.from({ length: 3000 }, (_, i) => `piece ${i} — ünïcode\n`);
    await writeFilesAtomic([
      { path: join(d, 'pieces.json'), text: pieces },
      { path: join(d, 'whole.txt'), text: 'whole\n' },
    ]);
    assert.equal(readFileSync(join(d, 'pieces.json'), 'utf8'), pieces.join(''));
    assert.equal(readFileSync(join(d, 'whole.txt'), 'utf8'), 'whole\n');
    assert.deepEqual(readdirSync(d).sort(), ['pieces.json', 'whole.txt']);
  });

  test('when one text fails while it is produced, no file is replaced and no temporary file is left', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), 'old a');
    writeFileSync(join(d, 'b.txt'), 'old b');
    function* failing(): Generator<string> {
      yield 'half of b';
      throw new Error('renderer bug');
    }
    await assert.rejects(
      writeFilesAtomic([
        { path: join(d, 'a.json'), text: ['new a'] },
        { path: join(d, 'b.txt'), text: failing() },
      ]),
      /renderer bug/,
    );
    assert.equal(readFileSync(join(d, 'a.json'), 'utf8'), 'old a');
    assert.equal(readFileSync(join(d, 'b.txt'), 'utf8'), 'old b');
    assert.deepEqual(readdirSync(d).sort(), ['a.json', 'b.txt']);
  });

  test('a file that cannot be written is a usage error naming it', async () => {
    await assert.rejects(writeFileAtomic(join(dir(), 'missing-dir', 'r.json'), 'x'), (error: Error) => /cannot write .*r\.json: ENOENT/.test(error.message));
  });

  test('pieces are gathered into large writes; a whole text is never split by character', () => {
    assert.deepEqual([...writeBatches('abc')], ['abc']);
    const batches = [...writeBatches(Array.from({ length: 5000 }, () => 'x'.repeat(1000)))];
    assert.ok(batches.length < 10, `${batches.length} writes`);
    assert.equal(batches.join('').length, 5_000_000);
  });
});
