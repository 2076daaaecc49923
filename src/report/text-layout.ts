// Lines for a terminal of a given width: words wrapped without ever cutting one (ids, ports and
// CIDRs are copied from here, so a word wider than the line keeps its own line), names elided
// to fit, and shell commands wrapped with `\` continuations so they still paste as one command.
// Widths are display columns (a CJK character is two), measured on the plain text before any
// colour is applied.
import stringWidth from 'string-width';

/** Text and how to paint it (chalk style); painting never changes the width. */
export interface Span {
  readonly text: string;
  readonly paint?: (text: string) => string;
}

export const widthOf = (text: string): number => stringWidth(text);

/** At most `max` display columns: the end replaced by "…" when it does not fit. */
export function elide(text: string, max: number): string {
  if (widthOf(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = widthOf(ch);
    if (used + w > max - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

interface Word {
  readonly text: string;
  readonly width: number;
  readonly paint: ((text: string) => string) | undefined;
}

function wordsOf(spans: readonly Span[]): Word[] {
  return spans.flatMap((span) =>
    span.text
      .split(' ')
      .filter((w) => w !== '')
      .map((text) => ({ text, width: widthOf(text), paint: span.paint })),
  );
}

/**
 * Greedy word wrap. The first line has `firstWidth` columns; the others `width - indent` after
 * `indent` spaces (included in the lines returned). A word wider than its line is never cut.
 */
export function wrapSpans(spans: readonly Span[], firstWidth: number, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let used = 0;
  let room = firstWidth;
  for (const word of wordsOf(spans)) {
    const need = (line.length > 0 ? 1 : 0) + word.width;
    // A first line too short for its first word (after a long lead) stays empty.
    const tooShort = line.length === 0 && lines.length === 0 && word.width > room && room < width - indent;
    if ((line.length > 0 && used + need > room) || tooShort) {
      lines.push(line.join(' '));
      line = [];
      used = 0;
      room = Math.max(1, width - indent);
    }
    line.push(word.paint ? word.paint(word.text) : word.text);
    used += (line.length > 1 ? 1 : 0) + word.width;
  }
  if (line.length > 0 || lines.length === 0) lines.push(line.join(' '));
  return lines.map((l, i) => (i === 0 ? l : `${' '.repeat(indent)}${l}`));
}

/** Shell words of a command, quotes kept (a quoted JSON argument is one word). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (const ch of command) {
    if (quote) {
      word += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word += ch;
    } else if (ch === ' ') {
      if (word !== '') words.push(word);
      word = '';
    } else word += ch;
  }
  if (word !== '') words.push(word);
  return words;
}

/**
 * A flag stays on the line of its (first) value: `--group-id sg-1` is never split, unless the pair
 * is wider than a line (a long quoted JSON value then gets a line of its own: a shell word cannot
 * be broken, so it is the one thing that may run past the width, and a terminal wraps it softly).
 */
function commandUnits(words: readonly string[], room: number): string[] {
  const units: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (word.startsWith('--') && next !== undefined && !next.startsWith('--') && next !== '&&' && widthOf(word) + 1 + widthOf(next) <= room - 6) {
      units.push(`${word} ${next}`);
      i++;
    } else units.push(word);
  }
  return units;
}

/**
 * A shell command in lines of at most `width` columns after `indent`: broken between words with
 * ` \` so it pastes as one command, a new line after each `&&`, and a trailing `# comment` on
 * lines of its own that each start with `#` (a comment cannot be continued with `\`).
 */
export function wrapCommand(command: string, width: number, indent: number): string[] {
  const hash = command.search(/\s#\s/);
  const code = hash < 0 ? command : command.slice(0, hash);
  const comment = hash < 0 ? undefined : command.slice(hash).trim().replace(/^#\s*/, '');
  const pad = ' '.repeat(indent);
  const contPad = ' '.repeat(indent + 4);
  const room = Math.max(20, width - indent);
  const lines: string[] = [];
  let line = '';
  // Each command of an `a && b` chain starts at the indent; its own continuations go deeper.
  let commandStart = true;
  let lineStartsCommand = true;
  const flush = (continued: boolean) => {
    if (line === '') return;
    lines.push(`${lineStartsCommand ? pad : contPad}${line}${continued ? ' \\' : ''}`);
    line = '';
    lineStartsCommand = commandStart;
  };
  for (const unit of commandUnits(shellWords(code), room)) {
    const limit = room - (lineStartsCommand ? 0 : 4) - 2; // 2: the " \" a broken line ends with
    if (line !== '' && widthOf(line) + 1 + widthOf(unit) > limit) flush(true);
    line = line === '' ? unit : `${line} ${unit}`;
    commandStart = unit === '&&';
    if (commandStart) flush(true);
  }
  flush(false);
  if (comment !== undefined) {
    for (const commentLine of wrapSpans([{ text: comment }], room - 2, room - 2, 0)) lines.push(`${pad}# ${commentLine.trim()}`);
  }
  return lines;
}
