// One timed round of the ingest benchmark: every body POSTed once over
// keep-alive HTTP on loopback by `concurrency` connections.
import http from 'node:http';

export interface HttpRound {
  seconds: number;
  acceptedRows: number;
  latenciesMs: number[];
}

export async function postAll(port: number, apiKey: string, bodies: Buffer[], concurrency: number, deadline: number): Promise<HttpRound> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const send = (body: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length, authorization: `Bearer ${apiKey}` };
      const req = http.request({ host: '127.0.0.1', port, path: '/v1/ingest', method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  let acceptedRows = 0;
  const latenciesMs: number[] = [];
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length && Date.now() < deadline) {
          const body = bodies[next++]!;
          const t0 = performance.now();
          const res = await send(body);
          latenciesMs.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.text}`);
          acceptedRows += JSON.parse(res.text).accepted;
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - started) / 1000, acceptedRows, latenciesMs };
}
