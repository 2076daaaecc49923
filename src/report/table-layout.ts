// Drawing the findings table: stacked blocks of rows whose first column is one cell spanning the
// block (the severity). cli-table3 draws every block; plain text — no colour, every character one
// column wide — is drawn here instead, to exactly the same characters, because cli-table3 spends
// milliseconds per row measuring text (a report of 50k findings took minutes).
import Table from 'cli-table3';

/** One block of the table. */
export interface TableBlock {
  /** The header row, on the first block only. */
  readonly head?: readonly string[];
  /** The content of the first column's cell, which spans every row of the block. */
  readonly span: string;
  /** The other cells of each row, each as its lines (a cell wraps each line to its width). */
  readonly rows: readonly (readonly (readonly string[])[])[];
}

/** The width of each column's text, without the one-space padding on either side. */
export type ColumnWidths = readonly number[];

export function drawBlock(block: TableBlock, widths: ColumnWidths): string {
  return isPlainBlock(block, widths) ? drawPlain(block, widths) : drawWithCliTable3(block, widths);
}

// Characters that cli-table3's measure (string-width) counts one column wide, none of them
// whitespace but the space: printable ASCII and Latin-1, the em dash and the ellipsis. No colour
// sequence (ESC is not among them).
const PLAIN_TEXT = /^[\u0020-\u007e\u00a1-\u00ff\u2014\u2026]*$/;

/**
 * Whether drawPlain draws the block as cli-table3 would: every text is plain, and the spanning
 * cell's fits on one line (drawPlain puts it on the first row only).
 */
export function isPlainBlock(block: TableBlock, widths: ColumnWidths): boolean {
  const plain = (text: string) => PLAIN_TEXT.test(text);
  return (
    (block.head ?? []).every(plain) &&
    plain(block.span) &&
    block.span.length <= (widths[0] ?? 0) &&
    block.rows.every((row) => row.every((lines) => lines.every(plain)))
  );
}

export function drawWithCliTable3(block: TableBlock, widths: ColumnWidths): string {
  const table = new Table({
    ...(block.head ? { head: [...block.head] } : {}),
    colWidths: widths.map((w) => w + 2),
    wordWrap: true,
    wrapOnWordBoundary: true,
    style: { head: [], border: [], compact: false },
  });
  block.rows.forEach((row, i) => {
    const cells = row.map((lines, column) => cellText(lines, widths[column + 1] ?? 0));
    table.push(i === 0 ? [{ rowSpan: block.rows.length, content: block.span, vAlign: 'top' }, ...cells] : cells);
  });
  return table.toString();
}

// An SGR colour sequence, as cli-table3 recognizes them.
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
// Characters string-width counts as zero columns wide.
const ZERO_WIDTH = /[\u0000-\u001f\u007f-\u009f\u0300-\u036f]/;

/**
 * A cell's lines as one string for cli-table3. Its Cell.draw truncates the whole content for a
 * debug message on every drawn line, which for content with a newline takes time quadratic in its
 * length. Between lines, a run of spaces as wide as the cell wraps exactly as a newline does (the
 * word wrapper breaks before the run and drops it) and keeps that truncation linear. Exactly, when
 * every line after the first starts with a word (a leading space would be dropped with the run)
 * and every line before the last ends with a visible one (a trailing space would be dropped too,
 * and a line ending in nothing visible would let the run start the next line); otherwise the
 * newlines are kept.
 */
function cellText(lines: readonly string[], width: number): string {
  const startsWithWord = (line: string) => /^\S/.test(line);
  const endsWithVisibleWord = (line: string) => {
    const last = line.replace(SGR, '').slice(-1);
    return last !== '' && !/\s/.test(last) && !ZERO_WIDTH.test(last);
  };
  const exact = lines.every((line, i) => (i === 0 || startsWithWord(line)) && (i === lines.length - 1 || endsWithVisibleWord(line)));
  return lines.join(exact ? ' '.repeat(width) : '\n');
}

/**
 * cli-table3's drawing of a block (borders, word wrap, truncation of words wider than their
 * column, padding), for plain text only: there every character is one column and a space is the
 * only whitespace. test/report/table-layout.test.ts holds the two drawings to the same output.
 */
export function drawPlain(block: TableBlock, widths: ColumnWidths): string {
  const rule = (left: string, join: string, right: string, from = 0) =>
    `${left}${widths.slice(from).map((w) => '─'.repeat(w + 2)).join(join)}${right}`;
  const out: string[] = [];
  if (block.head) {
    out.push(rule('┌', '┬', '┐'));
    out.push(...rowLines(block.head.map((text, column) => wrapLines([text], widths[column] ?? 0)), widths));
  }
  block.rows.forEach((row, i) => {
    // Above the first row, the top border or a full separator under the header; above the others,
    // a separator that leaves the spanning first column open. Its text is on the first row.
    if (i === 0) out.push(block.head ? rule('├', '┼', '┤') : rule('┌', '┬', '┐'));
    else out.push(`│${' '.repeat((widths[0] ?? 0) + 2)}${rule('├', '┼', '┤', 1)}`);
    const span = i === 0 ? wrapLines([block.span], widths[0] ?? 0) : [];
    out.push(...rowLines([span, ...row.map((lines, column) => wrapLines(lines, widths[column + 1] ?? 0))], widths));
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/** The lines of a row, as tall as its tallest cell; a shorter cell is blank below its text. */
function rowLines(cells: readonly (readonly string[])[], widths: ColumnWidths): string[] {
  const height = Math.max(1, ...cells.map((lines) => lines.length));
  const lines: string[] = [];
  for (let l = 0; l < height; l++) {
    const parts = cells.map((cell, column) => {
      const width = widths[column] ?? 0;
      const text = cell[l];
      return text === undefined ? ' '.repeat(width + 2) : ` ${fit(text, width)} `;
    });
    lines.push(`│${parts.join('│')}│`);
  }
  return lines;
}

/** A line in its column: a word wider than the column is cut with an ellipsis, the rest padded. */
function fit(line: string, width: number): string {
  return line.length <= width ? line.padEnd(width) : `${line.slice(0, width - 1)}…`;
}

/** cli-table3's word wrap (utils.wordWrap) of each line, where every character is one column. */
function wrapLines(lines: readonly string[], width: number): string[] {
  return lines.flatMap((line) => wrapWords(line, width));
}

function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  const split = text.split(/(\s+)/g);
  let line: string[] = [];
  let lineLength = 0;
  let whitespace: string | undefined;
  for (let i = 0; i < split.length; i += 2) {
    const word = split[i] ?? '';
    let newLength = lineLength + word.length;
    if (lineLength > 0 && whitespace) newLength += whitespace.length;
    if (newLength > width) {
      if (lineLength !== 0) out.push(line.join(''));
      line = [word];
      lineLength = word.length;
    } else {
      line.push(whitespace ?? '', word);
      lineLength = newLength;
    }
    whitespace = split[i + 1];
  }
  if (lineLength) out.push(line.join(''));
  return out;
}

/**
 * Stacked tables of equal columns as one, in pieces: each seam (a bottom border over a top
 * border) becomes a separator.
 */
export function* stitch(blocks: Iterable<string>): Generator<string> {
  let pending: string | undefined;
  for (const block of blocks) {
    if (pending === undefined) {
      pending = block;
      continue;
    }
    // The bottom border of the block above goes; the top border of this one becomes the separator.
    yield `${pending.slice(0, pending.lastIndexOf('\n'))}\n`;
    const end = block.indexOf('\n');
    const top = end < 0 ? block : block.slice(0, end);
    pending = `${top.replace('┌', '├').replace('┐', '┤').replace(/┬/g, '┼')}${end < 0 ? '' : block.slice(end)}`;
  }
  if (pending !== undefined) yield pending;
}
