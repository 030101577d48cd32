// POST /v1/ingest as one short HTTP/1.1 exchange per batch, spoken over a
// plain socket. Not http.request: at one batch per 10 s its code runs cold,
// and a ClientRequest with its parser cost the host 0.6 ms a batch, more than
// the whole tick. `tls` is loaded only for https endpoints.
import net from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface Response { status: number; retryAfter?: number; body: string }

/** The exchange failed before a status line: refused, reset, timed out, or not HTTP. */
export class TransportError extends Error {}

const MAX_RESPONSE_BYTES = 64 * 1024;

export class HttpTransport {
  private readonly url: URL;
  private tls: typeof import('node:tls') | undefined;
  private inFlight: net.Socket | undefined;

  constructor(endpoint: string, private readonly apiKey: string, private readonly timeoutMs: number, private readonly userAgent: string) {
    this.url = new URL(endpoint.replace(/\/+$/, '') + '/v1/ingest');
  }

  /**
   * `hold`: keep the process alive until the answer (the final flush). Other
   * sends unref their socket, so the agent never delays the host's exit.
   */
  async post(body: Buffer, hold = false): Promise<Response> {
    const secure = this.url.protocol === 'https:';
    if (secure) this.tls ??= await import('node:tls');
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.url.port) || (secure ? 443 : 80);
    const head =
      `POST ${this.url.pathname} HTTP/1.1\r\nHost: ${this.url.host}\r\nUser-Agent: ${this.userAgent}\r\n` +
      `Content-Type: application/json\r\nContent-Encoding: gzip\r\nAuthorization: Bearer ${this.apiKey}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const socket: net.Socket | TLSSocket = secure ? this.tls!.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
      if (!hold) socket.unref();
      this.inFlight = socket;
      let raw = Buffer.alloc(0);
      let settled = false;
      const finish = (outcome: Response | TransportError) => {
        if (settled) return;
        settled = true;
        this.inFlight = undefined;
        clearTimeout(timer);
        socket.destroy();
        if (outcome instanceof TransportError) reject(outcome);
        else resolve(outcome);
      };
      // The timeout bounds the whole exchange: a hung server costs one timeout.
      const timer = setTimeout(() => finish(new TransportError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      socket.on('error', (err) => finish(raw.length ? parseResponse(raw) : new TransportError(`${this.url.host}: ${err.message}`)));
      socket.on('data', (chunk: Buffer) => {
        if (raw.length < MAX_RESPONSE_BYTES) raw = Buffer.concat([raw, chunk]);
        if (isComplete(raw) || raw.length >= MAX_RESPONSE_BYTES) finish(parseResponse(raw));
      });
      socket.on('close', () => finish(parseResponse(raw)));
      socket.write(head);
      socket.write(body);
    });
  }

  /** Makes an exchange already under way keep the process alive, for stop() to wait on. */
  holdInFlight(): void {
    this.inFlight?.ref();
  }
}

/** Whether the response's head and its Content-Length of body have arrived. */
function isComplete(raw: Buffer): boolean {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(raw.toString('latin1', 0, end));
  return length ? raw.length - end - 4 >= Number(length[1]) : false; // no length: read until the server closes
}

function parseResponse(raw: Buffer): Response | TransportError {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.toString('latin1', 0, end < 0 ? raw.length : end);
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
  if (!status) return new TransportError(raw.length ? "the server's answer is not HTTP" : 'the server closed the connection without answering');
  const out: Response = { status: Number(status[1]), body: end < 0 ? '' : raw.toString('utf8', end + 4) };
  const retryAfter = /\r\nretry-after:\s*([^\r]*)/i.exec(head);
  // An HTTP-date Retry-After falls back to our own backoff.
  if (retryAfter && Number.isFinite(Number(retryAfter[1]))) out.retryAfter = Math.max(0, Number(retryAfter[1]));
  return out;
}
