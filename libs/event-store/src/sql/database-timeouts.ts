import { PoolConfig } from 'pg';

/** The longest any database wait may last unless DATABASE_TIMEOUT_MS says otherwise. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 5_000;

/**
 * Bounds on every wait of a PostgreSQL pool: a statement, a lock, a connection from the pool or
 * the server, a transaction left idle. Without them a locked table or a silent server holds
 * every request (and /health) for as long as it lasts.
 */
export function boundedPoolConfig(timeoutMs: number = DEFAULT_DATABASE_TIMEOUT_MS): PoolConfig {
  return {
    statement_timeout: timeoutMs,
    lock_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs * 6,
    connectionTimeoutMillis: timeoutMs,
    // Client side, for a server that stopped answering at all; the server's own timeout fires first.
    query_timeout: timeoutMs * 2,
  };
}

/** Thrown when a wait on the database outlasts its bound (see withTimeout). */
export class DatabaseTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what}: no answer from the database within ${timeoutMs} ms`);
    this.name = 'DatabaseTimeoutError';
  }
}

/** `work`, or a DatabaseTimeoutError once `timeoutMs` has passed without its answer. */
export async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(what, timeoutMs)), timeoutMs);
  });
  work.catch(() => undefined); // a late failure after the timeout must not go unhandled
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const UNAVAILABLE_CODES = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '57P01', // admin_shutdown (pg_terminate_backend, a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'not queryable',
];

/**
 * Whether an error means the database is unreachable or too slow right now (a passing condition
 * the client may retry), as opposed to a bug or a bad request. Looks through TypeORM's wrapper.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseTimeoutError) return true;
  for (
    let cause = error as { code?: unknown; message?: unknown; driverError?: unknown } | undefined;
    cause;
  ) {
    if (
      typeof cause.code === 'string' &&
      (UNAVAILABLE_CODES.has(cause.code) || cause.code.startsWith('08'))
    ) {
      return true;
    }
    if (
      typeof cause.message === 'string' &&
      UNAVAILABLE_MESSAGES.some((m) => (cause!.message as string).includes(m))
    ) {
      return true;
    }
    cause = cause.driverError as typeof cause;
  }
  return false;
}
