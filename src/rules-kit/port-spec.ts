// Port specs as users write them in rule options and suppressions: "tcp/80", "udp/53",
// "tcp/8000-8100" (protocol tcp or udp, ports 0-65535, from <= to). Registered as the ajv format
// `port-spec` (options.ts), so a schema can say `{ type: 'string', format: 'port-spec' }`.
import type { PortSpan } from './types.js';

const PORT_SPEC = /^(tcp|udp)\/(\d{1,5})(?:-(\d{1,5}))?$/;

/** The span a port spec names, or undefined when the text is not one (case-insensitive, trimmed). */
export function parsePortSpec(text: string): PortSpan | undefined {
  const match = PORT_SPEC.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const from = Number(match[2]);
  const to = match[3] === undefined ? from : Number(match[3]);
  if (from > 65535 || to > 65535 || from > to) return undefined;
  return { protocol: match[1] as 'tcp' | 'udp', from, to };
}

/** The canonical text of a span: "tcp/22", "udp/8000-8100". */
export function formatPortSpan(span: PortSpan): string {
  return span.from === span.to ? `${span.protocol}/${span.from}` : `${span.protocol}/${span.from}-${span.to}`;
}
