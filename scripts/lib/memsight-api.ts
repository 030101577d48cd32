// A small client of memsight's REST API for scripts: bearer auth, JSON both
// ways, answers checked against their contract schema, and the error envelope
// turned into one readable message.
import type { TSchema, Static } from 'typebox';
import { Value } from 'typebox/value';
import { ErrorResponse } from '@memsight/contracts';

export type ApiAnswer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; message: string };

export class MemsightApi {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 10_000,
  ) {}

  get<S extends TSchema>(path: string, schema: S): Promise<ApiAnswer<Static<S>>> {
    return this.send('GET', path, undefined, schema);
  }

  post<S extends TSchema>(path: string, body: unknown, schema: S): Promise<ApiAnswer<Static<S>>> {
    return this.send('POST', path, body, schema);
  }

  private async send<S extends TSchema>(method: string, path: string, body: unknown, schema: S): Promise<ApiAnswer<Static<S>>> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return { ok: false, status: 0, message: `${method} ${this.baseUrl}${path}: ${(err as Error).cause ?? (err as Error).message}` };
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok && Value.Check(schema, json)) return { ok: true, status: res.status, body: json };
    if (res.ok) return { ok: false, status: res.status, message: `${method} ${path}: HTTP ${res.status}, an answer outside the contract: ${text.slice(0, 200)}` };
    return { ok: false, status: res.status, message: errorMessage(json) ?? `HTTP ${res.status} ${text.slice(0, 200)}` };
  }
}

/** The error envelope's message, with each detail's path and message: "params/windowSeconds: must be ≥ 10". */
function errorMessage(json: unknown): string | undefined {
  if (!Value.Check(ErrorResponse, json)) return undefined;
  const { message, details } = json.error;
  const problems = Array.isArray(details)
    ? details.flatMap((d: unknown) => {
        const { path, message: why } = (d ?? {}) as { path?: unknown; message?: unknown };
        return typeof why === 'string' ? [`${typeof path === 'string' ? `${path}: ` : ''}${why}`] : [];
      })
    : [];
  return problems.length ? `${message} (${problems.join('; ')})` : message;
}
