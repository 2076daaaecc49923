// sg-audit's own snapshot: what `sg-audit collect` saves so an audit can be re-run offline,
// per account × region and data kind: the items, or the error that prevented them.
import { inputError } from '../errors.js';
import { DATA_KINDS, isDataKind, type DataKind } from '../model/kinds.js';
import type { CollectionError } from '../model/types.js';
import type { RawKindResult, RawScope, RawSnapshot } from './types.js';

export const SNAPSHOT_MARKER = 'sgAuditSnapshot';
export const SNAPSHOT_VERSION = 1;

interface SnapshotFile {
  readonly [SNAPSHOT_MARKER]: typeof SNAPSHOT_VERSION;
  readonly tool: { readonly name: 'sg-audit'; readonly version: string };
  readonly collectedAt: string;
  readonly source: 'aws' | 'file';
  readonly scopes: readonly {
    readonly accountId?: string;
    readonly region: string;
    readonly kinds: Partial<
      Record<DataKind, { status: 'ok'; items: readonly unknown[] } | { status: 'error'; error: CollectionError }>
    >;
  }[];
  readonly warnings: readonly string[];
}

export function serializeSnapshot(snapshot: RawSnapshot, meta: { version: string; collectedAt: string }): string {
  const file: SnapshotFile = {
    [SNAPSHOT_MARKER]: SNAPSHOT_VERSION,
    tool: { name: 'sg-audit', version: meta.version },
    collectedAt: meta.collectedAt,
    source: snapshot.source,
    scopes: snapshot.scopes.map((scope) => ({
      ...(scope.accountId ? { accountId: scope.accountId } : {}),
      region: scope.region,
      kinds: Object.fromEntries(
        DATA_KINDS.flatMap((kind) => {
          const result = scope.kinds[kind];
          if (!result) return [];
          return [[kind, result.status === 'ok' ? { status: 'ok', items: result.parts.flatMap((p) => p.items) } : result]];
        }),
      ),
    })),
    warnings: snapshot.warnings,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseSnapshot(path: string, data: unknown): RawSnapshot {
  const bad = (what: string): never => {
    throw inputError(`${path}: ${what}`, 'write the snapshot again with `sg-audit collect --output FILE`');
  };
  if (!isObject(data)) return bad('not a snapshot object');
  if (data[SNAPSHOT_MARKER] !== SNAPSHOT_VERSION) {
    return bad(`snapshot version ${JSON.stringify(data[SNAPSHOT_MARKER])} is not supported (this sg-audit reads version ${SNAPSHOT_VERSION})`);
  }
  if (!Array.isArray(data['scopes'])) return bad('scopes is not a list');
  const scopes: RawScope[] = data['scopes'].map((raw, i) => {
    if (!isObject(raw) || typeof raw['region'] !== 'string') return bad(`scopes[${i}] has no region`);
    const kindsRaw = raw['kinds'];
    if (!isObject(kindsRaw)) return bad(`scopes[${i}].kinds is not an object`);
    const kinds: Partial<Record<DataKind, RawKindResult>> = {};
    for (const [kind, value] of Object.entries(kindsRaw)) {
      if (!isDataKind(kind)) continue; // a kind from a newer sg-audit: not read by this one
      if (!isObject(value)) return bad(`scopes[${i}].kinds.${kind} is not an object`);
      if (value['status'] === 'ok' && Array.isArray(value['items'])) {
        kinds[kind] = { status: 'ok', parts: [{ origin: path, items: value['items'] }] };
      } else if (value['status'] === 'error' && isObject(value['error'])) {
        const e = value['error'];
        const hint = typeof e['hint'] === 'string' ? { hint: e['hint'] } : {};
        kinds[kind] = {
          status: 'error',
          error: { code: String(e['code'] ?? 'Unknown'), message: String(e['message'] ?? ''), operation: String(e['operation'] ?? ''), ...hint },
        };
      } else {
        return bad(`scopes[${i}].kinds.${kind} has neither items nor an error`);
      }
    }
    const accountId = typeof raw['accountId'] === 'string' ? raw['accountId'] : undefined;
    return { ...(accountId ? { accountId } : {}), region: raw['region'], kinds };
  });
  const warnings = Array.isArray(data['warnings']) ? data['warnings'].filter((w): w is string => typeof w === 'string') : [];
  return { source: data['source'] === 'aws' ? 'aws' : 'file', inputs: [path], scopes, warnings };
}
