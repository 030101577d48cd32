// A test-side HTTP front between the agents and ingest: it counts every
// status ingest answered, can lose acknowledgements (forward the request, let
// ingest commit and answer, then cut the agent's connection instead of
// relaying the answer), and fails over between backends the way a load
// balancer does when a backend stops accepting connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export class Front {
  readonly statuses = new Map<number, number>();
  /** Answers ingest gave that the agent never saw. */
  lostAcks = 0;
  /** 429 and 503 answers without Retry-After. */
  missingRetryAfter = 0;
  /** Requests a backend failed other than by refusing the connection (a reset, often a kept-alive socket it was closing): retried on the next backend. */
  cut = 0;
  /** Requests being answered now, each with how it ended. */
  private readonly inflight = new Set<{ backend: string; answered: boolean }>();
  /** Requests the front could not hand to any backend. */
  unreachable = 0;
  /** Return true to cut the connection after ingest answered `status`. */
  loseAck: (status: number) => boolean = () => false;
  private server: http.Server | undefined;
  private readonly agents = new Map<string, http.Agent>();

  constructor(public backends: string[]) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The requests `backend` is handling now; each one's `answered` says later whether it got its answer. */
  inflightOn(backend: string): { answered: boolean }[] {
    return [...this.inflight].filter((t) => t.backend === backend);
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.forward(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  private async forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    for (const backend of this.backends) {
      const ticket = { backend, answered: false };
      this.inflight.add(ticket);
      try {
        const answer = await this.send(backend, req, body).finally(() => this.inflight.delete(ticket));
        ticket.answered = true;
        this.statuses.set(answer.status, this.count(answer.status) + 1);
        if ((answer.status === 429 || answer.status === 503) && !answer.headers['retry-after']) this.missingRetryAfter++;
        if (this.loseAck(answer.status)) {
          this.lostAcks++;
          res.socket?.destroy();
          return;
        }
        res.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      } catch (err) {
        // This backend refused or dropped the connection: try the next one.
        if ((err as { code?: string }).code !== 'ECONNREFUSED') this.cut++;
      }
    }
    this.unreachable++;
    res.socket?.destroy();
  }

  private send(backend: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    let agent = this.agents.get(backend);
    if (!agent) this.agents.set(backend, (agent = new http.Agent({ keepAlive: true, maxSockets: 64 })));
    const headers = { ...req.headers, host: new URL(backend).host };
    return new Promise((resolve, reject) => {
      const out = http.request(`${backend}${req.url}`, { method: req.method, headers, agent }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      });
      out.on('error', reject);
      out.setTimeout(30_000, () => out.destroy(new Error('backend timed out')));
      out.end(body);
    });
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
