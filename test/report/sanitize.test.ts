// The escaping each format relies on for attacker-controlled text (group names, descriptions, tags).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvField, forMarkdown, forTerminal, forXml } from '../../src/report/sanitize.js';

describe('forTerminal', () => {
  test('controls, C1, bidi and zero-width characters become visible escapes', () => {
    assert.equal(forTerminal('a\u001b[31mb\r\nc\u009bd\u202ee\u200bf'), 'a\\x1b[31mb\\x0d\\x0ac\\x9bd\\u{202e}e\\u{200b}f');
    assert.equal(forTerminal('plain text, ünïcödé ✓'), 'plain text, ünïcödé ✓');
  });
});

describe('forXml', () => {
  test('markup characters become entities, controls become visible escapes', () => {
    assert.equal(forXml(`<script>alert("x")</script> & 'q' ]]>`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; ]]&gt;');
    assert.equal(forXml('a\u0000b\u0007c'), 'a\\x00b\\x07c');
  });
});

describe('csvField', () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+cmd', `"'+cmd"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(1)', `"'@SUM(1)"`],
    ['\t=1', `"'\\x09=1"`],
    ['\r=1', `"'\\x0d=1"`],
    ['＝1+1', `"'＝1+1"`],
    ['sg-0abc', '"sg-0abc"'],
    ['a "quoted" word, with a comma\nand a newline', '"a ""quoted"" word, with a comma\\x0aand a newline"'],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(csvField(input), expected));
  }
});

describe('forMarkdown', () => {
  test('a name cannot split a table cell, make a link or an image, mention anyone or inject HTML', () => {
    const out = forMarkdown('| x | [click](javascript:alert(1)) ![i](http://x/i.png) @octocat <img src=x onerror=alert(1)> `c` **b**');
    assert.doesNotMatch(out, /(?<!\\)\|/);
    assert.doesNotMatch(out, /(?<!\\)[[\]()`*!]/);
    assert.doesNotMatch(out, /[<>@]/);
    assert.match(out, /&#64;&#8203;octocat/, 'a zero-width space after @: GitHub mentions whoever follows an @ however it is written');
    assert.equal(forMarkdown('fix #12 for @team'), 'fix \\#&#8203;12 for &#64;&#8203;team');
    assert.match(out, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
  });

  test('no bare URL is left for GitHub to autolink', () => {
    assert.equal(forMarkdown('https://evil.example.com www.evil.example'), 'https:&#8203;//evil\\.example\\.com www&#8203;\\.evil\\.example');
  });

  test('newlines cannot start a new Markdown block', () => {
    assert.equal(forMarkdown('a\n# heading'), 'a\\\\x0a\\#&#8203; heading');
  });
});
