// The small set of errors handlers throw. The error handler plugin turns each
// into `{ error: { code, message, details? } }` with its HTTP status.
import type { ErrorCode } from '@memsight/contracts';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class InvalidError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message: string) {
    super(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
  }
}

export class UnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'unavailable', message, undefined, { 'retry-after': '1' });
  }
}

/** PostgreSQL is down, restarting, hung or out of connections: retryable, never a 500. */
export class DatabaseUnavailableError extends AppError {
  constructor(message = 'The database is unavailable or too slow right now.', retryAfterSeconds = 5) {
    super(503, 'database_unavailable', message, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

/** A decode worker crashed, hung or is full: retryable, and the message never carries the internal cause. */
export class DecodeUnavailableError extends AppError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(503, 'decode_unavailable', message, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** Which per-project cap refused a new app, instance or metric list: also the `reason` of memsight_ingest_refused_total. */
export type CardinalityLimit = 'apps_per_project' | 'instances_per_app' | 'metric_sets_per_project';

/**
 * A batch would add an app, instance or metric list past a cap. 422, not 429:
 * retrying cannot help until the cap is raised or old instances age out, and
 * agents drop a batch on a 4xx other than 429 instead of retrying it forever.
 */
export class CardinalityLimitError extends AppError {
  constructor(readonly limit: CardinalityLimit, message: string, details: { limit: CardinalityLimit; max: number; setting: string }) {
    super(422, 'cardinality_limit', message, details);
  }
}
