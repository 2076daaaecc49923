// Preloaded with `node --import` into every process the benchmark measures (sg-audit and both
// floors), so all of them are measured the same way, on any machine with Node alone:
// - at exit it writes the process's own resource usage (user and system CPU, peak resident set)
//   to the file named by SG_BENCH_PROBE_FILE;
// - it refuses every network connection except to 127.0.0.1, so a benchmark run can never reach
//   anything but the fake endpoint; an attempt is recorded (SG_BENCH_PROBE_FILE + '.blocked')
//   and fails the benchmark.
// It registers no module hooks: those start a loader thread, which would be measured too.
import dns from 'node:dns';
import { appendFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const out = process.env['SG_BENCH_PROBE_FILE'];
const ALLOWED = '127.0.0.1';

function refuse(host) {
  const message = `benchmark: refused a connection to ${String(host)}: only ${ALLOWED} may be contacted`;
  if (out) appendFileSync(`${out}.blocked`, `${message}\n`);
  throw new Error(message);
}

// Socket#connect is where http, https, fetch and the SDK's handlers all end up. Its arguments are
// (options[, cb]), (port[, host][, cb]), (path[, cb]) or net's internal normalized array.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLoopbackOnly(...args) {
  let options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof options === 'number' || (typeof options === 'string' && /^\d+$/.test(options))) {
    options = { port: options, host: typeof args[1] === 'string' ? args[1] : undefined };
  } else if (typeof options === 'string') {
    options = { path: options };
  }
  if (options && typeof options === 'object' && options.path === undefined) {
    const host = options.host ?? 'localhost';
    if (host !== ALLOWED) refuse(host);
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function lookupLoopbackOnly(host, ...rest) {
  if (host !== ALLOWED) refuse(host);
  return lookup.call(this, host, ...rest);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function lookupLoopbackOnly(host, ...rest) {
  if (host !== ALLOWED) refuse(host);
  return promisesLookup.call(this, host, ...rest);
};

process.on('exit', (code) => {
  if (!out) return;
  const usage = process.resourceUsage();
  // resourceUsage: CPU times in microseconds, maxRSS in kilobytes.
  writeFileSync(out, JSON.stringify({ userUs: usage.userCPUTime, systemUs: usage.systemCPUTime, maxRssKb: usage.maxRSS, code }));
});
