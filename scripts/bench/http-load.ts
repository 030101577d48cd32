// One timed round of the ingest benchmark: every body POSTed once over
// keep-alive HTTP/1.1 on loopback by `concurrency` connections.
//
// The load generator shares the machine's two cores with ingest and
// PostgreSQL, so it is kept lean: requests are prebuilt bytes written to raw
// sockets and responses are parsed only as far as status and body (Node's
// http client cost about 40 % of a core here, time taken from what is measured).
import net from 'node:net';

export interface HttpRound {
  seconds: number;
  acceptedRows: number;
  latenciesMs: number[];
}

/** Prebuilt gzip JSON POSTs to any loopback endpoint (ours, or a peer's import). */
export function buildPosts(port: number, urlPath: string, headers: Record<string, string>, bodies: Buffer[]): Buffer[] {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return bodies.map((body) =>
    Buffer.concat([
      Buffer.from(
        `POST ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Encoding: gzip\r\n${extra}Content-Length: ${body.length}\r\n\r\n`,
      ),
      body,
    ]),
  );
}

export function buildRequests(port: number, apiKey: string, bodies: Buffer[]): Buffer[] {
  return buildPosts(port, '/v1/ingest', { Authorization: `Bearer ${apiKey}` }, bodies);
}

/** Our ingest's answer: 200 with the rows it accepted. */
const ingestAccepted = (res: { status: number; body: string }): number => {
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.body}`);
  return JSON.parse(res.body).accepted;
};

/** Sends requests one at a time on one keep-alive connection; resolves each response's status and body. */
function connection(port: number): Promise<{ send: (req: Buffer) => Promise<{ status: number; body: string }>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    let waiting: ((r: { status: number; body: string }) => void) | undefined;
    socket.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = buffered.subarray(0, headEnd).toString('latin1');
      const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < headEnd + 4 + length) return;
      const body = buffered.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
      buffered = buffered.subarray(headEnd + 4 + length);
      const done = waiting;
      waiting = undefined;
      done?.({ status: Number(head.slice(9, 12)), body });
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        send: (req) =>
          new Promise((r) => {
            waiting = r;
            socket.write(req);
          }),
        close: () => socket.destroy(),
      }),
    );
  });
}

export async function postAll(
  port: number,
  requests: Buffer[],
  concurrency: number,
  deadline: number,
  accepted: (res: { status: number; body: string }) => number = ingestAccepted,
): Promise<HttpRound> {
  const connections = await Promise.all(Array.from({ length: concurrency }, () => connection(port)));
  let next = 0;
  let acceptedRows = 0;
  const latenciesMs: number[] = [];
  const started = performance.now();
  try {
    await Promise.all(
      connections.map(async (conn) => {
        while (next < requests.length && Date.now() < deadline) {
          const req = requests[next++]!;
          const t0 = performance.now();
          const res = await conn.send(req);
          latenciesMs.push(performance.now() - t0);
          acceptedRows += accepted(res);
        }
      }),
    );
  } finally {
    connections.forEach((c) => c.close());
  }
  return { seconds: (performance.now() - started) / 1000, acceptedRows, latenciesMs };
}
