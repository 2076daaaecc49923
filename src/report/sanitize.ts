// Security group names, descriptions and tags are attacker-controlled: whoever can create a
// group can put escape sequences, formulas or markup in them. Every renderer passes such text
// through the function for its format. Each of those functions also caps the text it is given
// (elide): AWS allows 255 characters in a name, so a field of megabytes is hostile input, and a
// renderer that lays text out (the table, Markdown, JUnit) would otherwise need gigabytes for it.

/**
 * The most characters of one text field a report shows; the rest is elided with a marker. Far
 * above anything AWS stores in one field (names and descriptions 255, tag values 256) and above
 * sg-audit's own longest messages, so only hostile or corrupt input is ever cut.
 */
export const MAX_FIELD_CHARS = 16_384;

/** The most characters of one line on stderr (an error or a warning) that quotes input. */
export const MAX_LINE_CHARS = 1_000;

/**
 * `text` cut to `max` characters (UTF-16 units, never half a surrogate pair) with a marker saying
 * how much was left out; shorter text as it is.
 */
export function elide(text: string, max: number = MAX_FIELD_CHARS): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, cut)}… [${text.length - cut} more characters elided]`;
}

// C0 controls (incl. ESC, CR, LF, TAB), DEL, C1 controls (incl. 8-bit CSI U+009B), bidi
// overrides/isolates and marks, line/paragraph separators, BOM and zero-width characters.
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const UNSAFE_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeCodePoint(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * For a terminal (and any plain-text format): control and invisible characters are shown as
 * visible escapes (`\x1b[31m`) instead of being interpreted, so tampering is seen, not obeyed.
 */
export function forTerminal(text: string, max: number = MAX_FIELD_CHARS): string {
  return elide(text, max).replace(UNSAFE_TEXT, escapeCodePoint);
}

/**
 * One line of stderr that may quote input (an error, a warning): made visible like forTerminal,
 * newlines included, and elided to MAX_LINE_CHARS so a megabyte of junk is not echoed back.
 */
export function forErrorLine(text: string): string {
  // Only the start is escaped (an escape is at most 9 characters, so this is bounded work)...
  let head = text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text;
  const last = head.charCodeAt(head.length - 1);
  if (head.length < text.length && last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  const visible = head.replace(UNSAFE_TEXT, escapeCodePoint);
  if (head.length === text.length && visible.length <= MAX_LINE_CHARS) return visible;
  // ...then the visible text is cut to MAX_LINE_CHARS, never inside an escape (\x1b, \u{202e}).
  let cut = Math.min(visible.length, MAX_LINE_CHARS);
  const escape = visible.lastIndexOf('\\', cut - 1);
  if (escape > cut - 9 && !/^\\(?:x[0-9a-f]{2}|u\{[0-9a-f]+\})/.test(visible.slice(escape, cut))) cut = escape;
  return `${visible.slice(0, cut)}… [elided: ${text.length} characters in all]`;
}

/**
 * JSON.stringify escapes C0 controls but leaves C1 controls, bidi overrides and U+2028/9
 * raw; a report `cat` to a terminal must not carry them. Escaping them keeps the JSON exact.
 */
export function escapeJsonText(json: string): string {
  // C0 controls never appear raw inside JSON strings; outside them they are the indentation.
  return elideJsonStrings(json).replace(UNSAFE_JSON, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Where to cut JSON string content near `at` so that no escape (\n, \uXXXX) nor surrogate pair is split. */
function safeJsonCut(json: string, start: number, at: number): number {
  let cut = at;
  const escape = json.lastIndexOf('\\', cut - 1);
  if (escape >= start && escape >= cut - 6) {
    // Is that backslash an escape's first character (preceded by an even run of backslashes)?
    let run = 0;
    for (let k = escape - 1; k >= start && json.charCodeAt(k) === 0x5c; k--) run++;
    const length = run % 2 === 0 ? (json.charCodeAt(escape + 1) === 0x75 /* u */ ? 6 : 2) : 0;
    // (After an odd run it is the second character of an escaped backslash, which ends where it is.)
    if (length > 0 && escape + length > cut) cut = escape;
  }
  const code = json.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

/**
 * Serialized JSON with every string value longer than MAX_FIELD_CHARS cut, with a marker, so
 * every JSON format (the report, SARIF, the exposure inventory) has the same cap on a field as
 * the text formats. Text of MAX_FIELD_CHARS or less cannot hold such a string and is returned as
 * it is, so a report's pieces (a finding each) cost one length check.
 */
function elideJsonStrings(json: string): string {
  if (json.length <= MAX_FIELD_CHARS) return json;
  const out: string[] = [];
  let copied = 0;
  for (let open = json.indexOf('"'); open >= 0; ) {
    // The closing quote: the next one not escaped (preceded by an even run of backslashes).
    let close = open;
    for (;;) {
      close = json.indexOf('"', close + 1);
      if (close < 0) return out.length === 0 ? json : out.join('') + json.slice(copied);
      let run = 0;
      for (let k = close - 1; json.charCodeAt(k) === 0x5c; k--) run++;
      if (run % 2 === 0) break;
    }
    const length = close - open - 1;
    if (length > MAX_FIELD_CHARS) {
      const cut = safeJsonCut(json, open + 1, open + 1 + MAX_FIELD_CHARS);
      out.push(json.slice(copied, cut), `… [${close - cut} more characters elided]`);
      copied = close;
    }
    open = json.indexOf('"', close + 1);
  }
  return out.length === 0 ? json : out.join('') + json.slice(copied);
}

/** Shortens to `max` characters with an ellipsis (after sanitizing, so escapes are not cut in half). */
export function truncate(text: string, max: number): string {
  // No more code units than `max` is no more characters than `max`; beyond that, `max`
  // characters lie within the first 2 × max code units, so a huge text is never spread whole.
  if (text.length <= max) return text;
  const head = [...text.slice(0, 2 * max)];
  if (head.length <= max && text.length <= 2 * max) return text;
  return `${head.slice(0, Math.max(1, max - 1)).join('')}…`;
}

const XML_SPECIAL: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for XML or HTML, in element content or a quoted attribute: controls and invisible
 * characters shown as visible escapes (forTerminal; most C0 controls are not even legal XML 1.0),
 * then markup characters as entities.
 */
export function forXml(text: string): string {
  return forTerminal(text).replace(/[&<>"']/g, (ch) => XML_SPECIAL[ch] as string);
}

/** The same escaping serves HTML text and attribute values. */
export const forHtml = forXml;

// What a spreadsheet reads as the start of a formula (OWASP CSV injection), fullwidth forms included.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV field (RFC 4180): controls shown as escapes, a leading formula character neutralized
 * with an apostrophe so Excel, LibreOffice and Google Sheets show the text instead of running it,
 * and always quoted.
 */
export function csvField(text: string): string {
  // The formula check runs on the raw text: a leading tab or CR is a formula start that forTerminal would rewrite.
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${forTerminal(guarded).replace(/"/g, '""')}"`;
}

/**
 * Text inside a Markdown table cell or paragraph (GitHub Flavored Markdown, which also renders
 * inline HTML): controls as escapes, HTML as entities, Markdown punctuation backslash-escaped
 * (so `|` cannot split a cell nor `[x](javascript:…)` make a link), a zero-width space after `@`
 * and `#` so a group name cannot mention (notify) people nor reference an issue in a PR comment,
 * and no bare URL left to autolink.
 */
export function forMarkdown(text: string): string {
  return forTerminal(text)
    .replace(/[&<>"]/g, (ch) => XML_SPECIAL[ch] as string)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    // GitHub links @user and #123 in the rendered text, where an entity or a backslash escape no
    // longer shows (github/cmark-gfm#181): only a character between the sign and the name stops it.
    .replace(/@/g, '&#64;&#8203;')
    .replace(/\\#/g, '\\#&#8203;')
    // GitHub turns bare https://… and www.… text into links; a zero-width space breaks both.
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\\\./gi, (w) => `${w.slice(0, 3)}&#8203;${w.slice(3)}`);
}
