// The alerter process. For now a shell: it owns its evaluation loop and a
// health endpoint, and the detectors (leak, fragmentation, limit, GC) plug
// into `evaluate` in later work.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type pg from 'pg';
import { createPool } from '@memsight/db';
import type { AlerterConfig } from './config';

export interface Alerter {
  url: string;
  /** Evaluations completed since start. */
  evaluations: () => number;
  /** Resolves when no evaluation is running. */
  whenIdle: () => Promise<void>;
  close: () => Promise<void>;
}

export type Detector = (pool: pg.Pool, log: Logger) => Promise<void>;

export async function startAlerter(config: AlerterConfig, detectors: Detector[] = []): Promise<Alerter> {
  const log = pino({ level: config.logLevel, name: 'alerter' });
  const pool = createPool(config.databaseUrl, 4);
  let evaluations = 0;
  let running: Promise<void> | undefined;

  const evaluate = async () => {
    for (const detect of detectors) await detect(pool, log);
    evaluations++;
  };
  const tick = () => {
    running ??= evaluate()
      .catch((err) => log.error({ err }, 'evaluation failed'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, config.evaluationIntervalSeconds * 1000);
  tick();

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/livez') return send(200, { status: 'ok' });
    if (req.url === '/readyz') {
      pool.query('SELECT 1').then(
        () => send(200, { status: 'ok', evaluations }),
        () => send(503, { error: { code: 'unavailable', message: 'The database is not reachable.' } }),
      );
      return;
    }
    send(404, { error: { code: 'not_found', message: 'The alerter serves /livez and /readyz.' } });
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  log.info({ port, detectors: detectors.length }, 'alerter started');

  return {
    url: `http://${config.host}:${port}`,
    evaluations: () => evaluations,
    whenIdle: async () => {
      await running;
    },
    close: async () => {
      clearInterval(timer);
      await running;
      await new Promise((r) => server.close(r));
      await pool.end();
    },
  };
}
