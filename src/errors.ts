// Errors the user can act on. Each carries a one-line message naming the problem and a hint
// naming the way out; only the CLI turns them into text and an exit code.

export type ErrorKind = 'usage' | 'input' | 'config' | 'collection';

export class SgAuditError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  /** Exit code per DESIGN.md §5: 2 for anything that stopped the audit before it ran, 3 when it could not complete. */
  readonly exitCode: 2 | 3;

  constructor(kind: ErrorKind, message: string, hint?: string) {
    super(message);
    this.name = 'SgAuditError';
    this.kind = kind;
    this.hint = hint;
    this.exitCode = kind === 'collection' ? 3 : 2;
  }
}

export const usageError = (message: string, hint?: string) => new SgAuditError('usage', message, hint);
export const inputError = (message: string, hint?: string) => new SgAuditError('input', message, hint);
export const configError = (message: string, hint?: string) => new SgAuditError('config', message, hint);
export const collectionError = (message: string, hint?: string) => new SgAuditError('collection', message, hint);

export function isSgAuditError(error: unknown): error is SgAuditError {
  return error instanceof SgAuditError;
}
