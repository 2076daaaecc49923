// The table's own drawing of plain text must be cli-table3's, character for character: random
// blocks (words wider than their column, runs of spaces, empty and blank lines, Latin-1, the
// ellipsis) are drawn both ways and compared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawBlock, drawPlain, drawWithCliTable3, isPlainBlock, stitch, type TableBlock } from '../../src/report/table-layout.js';

/** A small seeded generator (mulberry32), so a failure names a case that can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(items: readonly T[]): T => items[int(items.length)] as T };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.:;,()[]{}<>=+*&^%$#@!?\'"`~|\\éßñ…—';

function text(rng: ReturnType<typeof random>, maxWords: number, maxWord: number): string {
  const words = Array.from({ length: rng.int(maxWords + 1) }, () =>
    Array.from({ length: 1 + rng.int(maxWord) }, () => rng.pick([...LETTERS])).join(''),
  );
  const space = () => ' '.repeat(1 + (rng.int(5) === 0 ? rng.int(4) : 0));
  const body = words.join(space());
  // Sometimes leading or trailing spaces, or only spaces.
  return `${rng.int(6) === 0 ? space() : ''}${body}${rng.int(6) === 0 ? space() : ''}`;
}

function randomBlock(seed: number): { block: TableBlock; widths: number[] } {
  const rng = random(seed);
  const widths = Array.from({ length: 2 + rng.int(4) }, () => 4 + rng.int(30));
  const cell = () => Array.from({ length: 1 + rng.int(3) }, () => text(rng, 8, 14));
  const block: TableBlock = {
    ...(rng.int(2) === 0 ? { head: widths.map(() => text(rng, 2, 8)) } : {}),
    span: rng.pick(['', 'HIGH', 'CRITICAL', 'x'].filter((s) => s.length <= (widths[0] ?? 0))),
    rows: Array.from({ length: 1 + rng.int(5) }, () => widths.slice(1).map(cell)),
  };
  return { block, widths };
}

describe('table layout', () => {
  test('plain text: the own drawing is cli-table3\'s, for 400 random blocks', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { block, widths } = randomBlock(seed);
      assert.ok(isPlainBlock(block, widths), `seed ${seed} is plain`);
      assert.equal(drawPlain(block, widths), drawWithCliTable3(block, widths), `seed ${seed}: ${JSON.stringify(block)}`);
    }
  });

  test('text that is not plain is left to cli-table3', () => {
    const widths = [8, 20];
    const row = (line: string): TableBlock => ({ span: 'HIGH', rows: [[[line]]] });
    for (const line of ['\u001b[1mbold\u001b[22m', '日本語の名前', 'tab\there', 'nbsp\u00a0here', 'e\u0301', '🔥 fire']) {
      assert.equal(isPlainBlock(row(line), widths), false, JSON.stringify(line));
      assert.equal(drawBlock(row(line), widths), drawWithCliTable3(row(line), widths));
    }
    assert.equal(isPlainBlock({ span: 'TOO LONG A LABEL', rows: [[['x']]] }, widths), false, 'a spanning label that wraps');
  });

  test('cli-table3 wraps the lines of a cell alike, however they are joined', () => {
    // Lines joined by a run of spaces must wrap as lines joined by a newline: leading spaces,
    // blank lines and zero-width endings keep the newline.
    const widths = [8, 12];
    const cases = [['rule-id', 'a message that wraps'], ['name', '  indented'], ['', 'after blank'], ['  ', 'x'], ['e\u0301', 'x'], [' +8ss&cchk? r ', '-Wv']];
    for (const lines of cases) {
      const joined = drawWithCliTable3({ span: 'LOW', rows: [[lines]] }, widths);
      const table = drawWithCliTable3({ span: 'LOW', rows: [[[lines.join('\n')]]] }, widths);
      assert.equal(joined, table, JSON.stringify(lines));
    }
    // And random lines of anything: colour, wide and zero-width characters, other whitespace.
    const pieces = ['word', 'x', 'longerthanthecell', ' ', '  ', '\u00a0', '\t', '\u001b[1m', '\u001b[22m', '\u001b[31m', '\u001b[39m', '日本', 'e\u0301', '…', '🔥'];
    for (let seed = 1; seed <= 300; seed++) {
      const rng = random(seed);
      const lines = Array.from({ length: 1 + rng.int(4) }, () => Array.from({ length: rng.int(8) }, () => rng.pick(pieces)).join(''));
      const joined = drawWithCliTable3({ span: 'LOW', rows: [[lines]] }, widths);
      const table = drawWithCliTable3({ span: 'LOW', rows: [[[lines.join('\n')]]] }, widths);
      assert.equal(joined, table, `seed ${seed}: ${JSON.stringify(lines)}`);
    }
  });

  test('stitched blocks read as one table', () => {
    const widths = [4, 6];
    const blocks = [1, 2, 3].map((n) => drawPlain({ ...(n === 1 ? { head: ['a', 'b'] } : {}), span: n === 1 ? 'X' : '', rows: [[[`row${n}`]]] }, widths));
    const table = [...stitch(blocks)].join('');
    assert.equal((table.match(/┌/g) ?? []).length, 1);
    assert.equal((table.match(/└/g) ?? []).length, 1);
    assert.deepEqual([...stitch([])], []);
  });
});
