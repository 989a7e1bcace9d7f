/** Invariant assertions that stay on in production (TigerBeetle style): a broken invariant is a bug, not an input error. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** A user-facing error with a stable code, the place it happened, and a sentence saying how to fix it. */
export class LedgerlabError extends Error {
  override name = 'LedgerlabError';
  constructor(
    readonly code: string,
    message: string,
    readonly fix?: string,
  ) {
    super(fix ? `${message} ${fix}` : message);
  }
}
