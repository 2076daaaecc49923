// Terminal layout: words wrapped without cutting one, names elided by display width, commands
// wrapped so they still paste as one shell command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { elide, shellWords, widthOf, wrapCommand, wrapSpans } from '../../src/report/text-layout.js';

describe('text layout', () => {
  test('wrapSpans: greedy, never cuts a word, hangs continuation lines', () => {
    const lines = wrapSpans([{ text: 'ssh-open-to-internet: tcp 22 from 0.0.0.0/0, ::/0, 2600:1f18:4a3:6e00:8b2c:1f4e:7a10:33c1' }], 30, 40, 4);
    assert.deepEqual(lines, ['ssh-open-to-internet: tcp 22', '    from 0.0.0.0/0, ::/0,', '    2600:1f18:4a3:6e00:8b2c:1f4e:7a10:33c1']);
    // A word wider than any line keeps its line.
    assert.deepEqual(wrapSpans([{ text: 'a sgr-0123456789abcdef0123456789 b' }], 10, 10, 0), ['a', 'sgr-0123456789abcdef0123456789', 'b']);
    // A first line too short for its first word stays empty.
    assert.deepEqual(wrapSpans([{ text: 'instance-exposed-to-internet' }], 5, 40, 2), ['', '  instance-exposed-to-internet']);
  });

  test('elide and widthOf count display columns (wide characters are two)', () => {
    assert.equal(widthOf('数据库'), 6);
    assert.equal(elide('数据库服务器', 7), '数据库…');
    assert.equal(elide('short', 10), 'short');
  });

  test('shellWords keeps quoted arguments whole', () => {
    assert.deepEqual(shellWords(`aws ec2 x --ip-permissions '[{"A": "b c"}]' --y "d e"`), ['aws', 'ec2', 'x', '--ip-permissions', `'[{"A": "b c"}]'`, '--y', '"d e"']);
  });

  test('wrapCommand: flags stay with their values, && starts a command line, comments become # lines, and the result runs as the original', () => {
    const command =
      "printf '%s\\n' --region us-east-1 --group-id sg-0123456789abcdef0 --security-group-rule-ids sgr-00626eec9a061026f sgr-01890bf08fbf084a2 && printf '%s\\n' --group-id sg-1 # then: read the docs of --this and --that";
    const lines = wrapCommand(command, 50, 2);
    assert.ok(lines.every((l) => widthOf(l) <= 50), lines.join('\n'));
    assert.ok(lines.some((l) => l.trim() === '--group-id sg-0123456789abcdef0 \\'));
    assert.ok(lines.some((l) => /^ {2}printf '%s\\n' --group-id sg-1$/.test(l)), 'the second command starts at the indent');
    assert.match(lines[lines.length - 1] ?? '', /^  # then: read the docs/);
    const shell = (text: string) => spawnSync('/bin/sh', ['-c', text], { encoding: 'utf8' }).stdout;
    assert.equal(shell(lines.join('\n')), shell(command));
  });
});
