/**
 * The error catalogue. Every error a user can meet is declared here once, with a code, an exit
 * code for the CLI and an HTTP status for the server. Messages are one line; no stack traces.
 */
export const ERRORS = {
  SEL104_ERR_USAGE: { exitCode: 2, status: 400, title: 'Bad usage' },
  SEL104_ERR_UNKNOWN_REPORT: { exitCode: 2, status: 404, title: 'Unknown report' },
  SEL104_ERR_BAD_PARAMETER: { exitCode: 2, status: 400, title: 'Bad report parameter' },
  SEL104_ERR_UNSUPPORTED_MEDIA_TYPE: { exitCode: 2, status: 415, title: 'Unsupported media type' },
  SEL104_ERR_BODY_TOO_LARGE: { exitCode: 2, status: 413, title: 'Body too large' },
  SEL104_ERR_NOT_ACCEPTABLE: { exitCode: 2, status: 406, title: 'Not acceptable' },
  SEL104_ERR_UNAUTHENTICATED: { exitCode: 2, status: 401, title: 'Unauthorized' },
  SEL104_ERR_FORBIDDEN: { exitCode: 2, status: 403, title: 'Forbidden' },
  // A case-level report (or one without a declaration in reports/public.ts) has no version with small numbers suppressed.
  SEL104_ERR_NOT_PUBLIC: { exitCode: 2, status: 403, title: 'Report not public' },
  SEL104_ERR_FILE_NOT_FOUND: { exitCode: 2, status: 400, title: 'Input file not found' },
  SEL104_ERR_STANDARD_INVALID: { exitCode: 1, status: 500, title: 'Invalid quality standard' },
  SEL104_ERR_LOG_MISMATCH: { exitCode: 1, status: 500, title: 'Projection belongs to another log' },
  SEL104_ERR_LOG_UNAVAILABLE: { exitCode: 1, status: 503, title: 'Event log unavailable' },
  SEL104_ERR_DB_LOCKED: { exitCode: 1, status: 503, title: 'Database in use by another process' },
  SEL104_ERR_PORT_IN_USE: { exitCode: 1, status: 500, title: 'Port already in use' },
  SEL104_ERR_INTERNAL: { exitCode: 1, status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class Sel104Error extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'Sel104Error';
  }
  get exitCode(): number {
    return ERRORS[this.code].exitCode;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** Turns anything thrown into a catalogued error; unknown failures keep only their message. */
export function toSel104Error(err: unknown): Sel104Error {
  if (err instanceof Sel104Error) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file|Conflicting lock/i.test(message)) {
    return new Sel104Error('SEL104_ERR_DB_LOCKED', `database is in use by another sel104 process (${message.split('\n')[0]})`);
  }
  return new Sel104Error('SEL104_ERR_INTERNAL', message.split('\n')[0] ?? 'unknown error');
}
