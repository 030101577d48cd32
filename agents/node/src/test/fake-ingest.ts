// A real HTTP server on loopback that answers from a script of actions, for
// the agent's fault tests: a status (500, 400...), { retryAfter } (429 with
// Retry-After), 'hang' or 'kill'; then 200. Accepted batches are decoded and kept.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { IngestBatch } from '@memsight/contracts';

export type Action = number | { retryAfter: number } | 'hang' | 'kill';

export class FakeIngest {
  readonly batches: IngestBatch[] = [];
  readonly script: Action[] = [];
  /** Answer 503 until this Date.now(). */
  downUntil = 0;
  requests = 0;
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        const action = this.script.shift() ?? (Date.now() < this.downUntil ? 503 : 200);
        if (action === 'hang') return; // never answers; the agent's timeout must end it
        if (action === 'kill') return req.socket.destroy();
        const status = typeof action === 'number' ? action : 429;
        if (status === 200) this.batches.push(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')));
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (typeof action === 'object') headers['retry-after'] = String(action.retryAfter);
        res.writeHead(status, headers).end(JSON.stringify(status === 200 ? { accepted: 1 } : { error: { code: 'x', message: 'no' } }));
      });
    });
  }

  /** `port`: listen again where a closed server was (a server that comes back). */
  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
