// Telling PostgreSQL failures apart. A connection that is refused, reset,
// timed out or told the server is going away means "retry later" (503); a
// value PostgreSQL refused belongs to one batch (400); anything else is ours.
import { DatabaseUnavailableError } from './errors';

// SQLSTATE classes 08 (connection), 57P01-3 (shutdown, crash, starting up),
// 57014 (statement_timeout), 53xxx (out of connections or memory), socket
// errnos, and Prisma's can't-reach / timed-out / pool-timeout codes.
// 08P01 is left out: during COPY it means bytes PostgreSQL could not parse.
const UNAVAILABLE_CODES = /^(08(00[0-6]|001)|57P0[1-3]|57014|53\d{3}|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|P1001|P1002|P1008|P1017|P2024)$/;
// pg and pg-pool raise these without a code.
const UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable|timeout expired|Cannot use a pool after calling end/i;
// SQLSTATE classes 22 (data exception) and 23 (integrity), 54xxx (limits,
// such as too many array dimensions), 42804 (a binary value of the wrong
// type) and 08P01 (malformed COPY data): what one batch's rows can cause.
const DATA_CODES = /^(22...|23...|54...|42804|08P01)$/;

function codesOf(err: unknown): { code?: string; message?: string }[] {
  const chain = [];
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && typeof e === 'object' && depth < 4; e = e.cause as typeof e, depth++) {
    chain.push({ code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : undefined });
  }
  return chain;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  return codesOf(err).some((e) => (e.code !== undefined && UNAVAILABLE_CODES.test(e.code)) || (e.code === undefined && e.message !== undefined && UNAVAILABLE_MESSAGES.test(e.message)));
}

/** An error PostgreSQL raised about the rows it was given: one member of a group may be the cause. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && DATA_CODES.test(code);
}

/** Rejects with DatabaseUnavailableError when `work` takes longer than `ms` (the work itself runs on). */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  if (!(ms > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
