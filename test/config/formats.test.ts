// Port specs (parsePortSpec and the ajv `port-spec` format) and the `cidr` format rule option
// schemas may use: each accepts exactly what its parser accepts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCidr } from '../../src/model/net.js';
import { OPTION_FORMATS, optionProblems } from '../../src/rules-kit/options.js';
import { formatPortSpan, parsePortSpec } from '../../src/rules-kit/port-spec.js';
import { FORMATS_RULE } from '../helpers/format-rule.js';

describe('parsePortSpec', () => {
  const valid: [string, ReturnType<typeof parsePortSpec>][] = [
    ['tcp/80', { protocol: 'tcp', from: 80, to: 80 }],
    ['udp/53', { protocol: 'udp', from: 53, to: 53 }],
    ['tcp/8000-8100', { protocol: 'tcp', from: 8000, to: 8100 }],
    ['tcp/0', { protocol: 'tcp', from: 0, to: 0 }],
    ['udp/65535', { protocol: 'udp', from: 65535, to: 65535 }],
    ['tcp/0-65535', { protocol: 'tcp', from: 0, to: 65535 }],
    ['tcp/22-22', { protocol: 'tcp', from: 22, to: 22 }],
    ['TCP/22', { protocol: 'tcp', from: 22, to: 22 }],
  ];
  for (const [text, span] of valid) test(`accepts ${text}`, () => assert.deepEqual(parsePortSpec(text), span));

  const invalid = ['tcp', '22', 'tcp/', 'tcp/65536', 'tcp/100-90', 'icmp/8', 'all/0', 'tcp/-1', 'tcp/1-', 'tcp/1-2-3', 'tcp/8o', 'tcp 22', 'tcp/22,23', ''];
  for (const text of invalid) test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parsePortSpec(text), undefined));

  test('formatPortSpan is the canonical text', () => {
    assert.equal(formatPortSpan({ protocol: 'tcp', from: 22, to: 22 }), 'tcp/22');
    assert.equal(formatPortSpan({ protocol: 'udp', from: 8000, to: 8100 }), 'udp/8000-8100');
  });
});

const rule = FORMATS_RULE;

describe('ajv formats for rule options', () => {
  const cidrs = ['10.0.0.0/8', '0.0.0.0/0', '203.0.113.7/32', '203.0.113.7', '::/0', '2001:db8::/32', '10.0.0.0/33', '10.0.0/8', '010.0.0.0/8', 'foo', '2001:db8::/129', ''];
  for (const text of cidrs) {
    test(`cidr agrees with parseCidr on ${JSON.stringify(text)}`, () => {
      assert.equal(OPTION_FORMATS['cidr']?.validate(text), parseCidr(text) !== undefined);
      assert.equal(optionProblems(rule, { trusted: [text] }).length === 0, parseCidr(text) !== undefined);
    });
  }

  test('a bad CIDR is quoted back with what was expected', () => {
    assert.deepEqual(optionProblems(rule, { trusted: ['10.0.0.0/8', '10.0.0.0/33'] }), [
      '/trusted/1 "10.0.0.0/33" is not a CIDR (IPv4 or IPv6, e.g. 10.0.0.0/8 or 2001:db8::/32)',
    ]);
  });

  test('port-spec agrees with parsePortSpec', () => {
    for (const text of ['tcp/22', 'udp/8000-8100', 'tcp/100-90', 'tcp/70000', 'sctp/1']) {
      assert.equal(optionProblems(rule, { allowed: [text] }).length === 0, parsePortSpec(text) !== undefined, text);
    }
    assert.deepEqual(optionProblems(rule, { allowed: ['tcp/100-90'] }), ['/allowed/0 "tcp/100-90" is not a port spec (tcp/22, udp/53 or tcp/8000-8100; ports 0-65535)']);
  });

  test('other messages keep their form ("path message")', () => {
    assert.deepEqual(optionProblems(rule, { trusted: [1] }), ['/trusted/0 must be string']);
    assert.deepEqual(optionProblems(rule, { trustd: [] }), ['/ must NOT have additional properties (trustd)']);
  });
});
