// A second thread for live collection. The SDK parses every EC2 response (XML) on the thread that
// sent the request, at about 15 MB/s, so an audit of several large regions is bound to one core.
// This worker collects whole account × region scopes sent to it by collectLive and posts back
// their raw items, so the regions are parsed on two cores instead of one.
import { parentPort, workerData } from 'node:worker_threads';
import { collectScope, type ScopeRequest, type WorkerInit, type WorkerMessage } from './live.js';
import { Limiter, Pace, REAL_CLOCK } from './retry.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('live-worker runs as a worker thread');

const post = (message: WorkerMessage) => port.postMessage(message);
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const sdk = await import('@aws-sdk/client-ec2');
const limiter = new Limiter(init.maxInFlight);

port.on('message', (request: ScopeRequest | 'close') => {
  if (request === 'close') {
    port.close();
    return;
  }
  const plan = {
    regions: [request.region],
    kinds: init.kinds,
    ...(init.endpointUrl ? { endpointUrl: init.endpointUrl } : {}),
    requestTimeoutMs: init.requestTimeoutMs,
    onProgress: (event: Parameters<NonNullable<Parameters<typeof collectScope>[1]['onProgress']>>[0]) => post({ type: 'progress', event }),
  };
  collectScope(sdk, plan, {
    region: request.region,
    label: request.label,
    // Resolved by the main thread (from the profile or an assumed role), fresh for each scope.
    credentials: () => Promise.resolve(request.credentials),
    listKinds: request.listKinds,
    retry: { policy: init.retry, pace: new Pace(REAL_CLOCK, init.retry), limiter, clock: REAL_CLOCK },
    sweep: init.sweep,
  }).then(
    (scope) => post({ type: 'done', id: request.id, scope }),
    (error: unknown) => post({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
