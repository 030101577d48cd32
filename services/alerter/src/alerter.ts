// The alerter process: leader election, the evaluation rounds, the outbox and
// a small health endpoint. Every alerter runs this; only the one holding the
// evaluator lock evaluates and sends, the others stand by.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createPool } from '@memsight/db';
import { PG_CHANNELS } from '@memsight/contracts';
import type { AlerterConfig } from './config';
import { Evaluator, type EvaluatorOptions, type RoundStats } from './evaluate/evaluator';
import { LeaderLease } from './evaluate/leader';
import { RoundScheduler } from './evaluate/scheduler';
import { OutboxWorker } from './notify/outbox-worker';
import { smtpTransport } from './notify/smtp-transport';

const READY_TIMEOUT_MS = 2_000;

export interface Alerter {
  url: string;
  /** Whether this alerter holds the evaluator lock. */
  leading: () => boolean;
  /** Full rounds completed while leading. */
  evaluations: () => number;
  lastRound: () => RoundStats | undefined;
  /** Resolves when no round and no outbox pass is running. */
  whenIdle: () => Promise<void>;
  close: () => Promise<void>;
}

export interface AlerterDeps {
  now?: () => number;
  /** How often a standby retries the lock (ms). */
  leaderRetryMs?: number;
  outboxIntervalMs?: number;
  detectors?: EvaluatorOptions['detectors'];
}

export async function startAlerter(config: AlerterConfig, deps: AlerterDeps = {}): Promise<Alerter> {
  const log = pino({ level: config.logLevel, name: 'alerter' });
  const now = deps.now ?? Date.now;
  // Connecting is bounded (a hung server must not hold a round forever); statements are not: some rounds read hours.
  const pool = createPool(config.databaseUrl, 4, { connectTimeoutMs: 10_000 });
  // An idle connection dropped by a database restart must not take the process down.
  pool.on('error', (err) => log.warn({ err }, 'idle database connection failed'));
  let lastRound: RoundStats | undefined;

  const lease: LeaderLease = new LeaderLease(
    { connectionString: config.databaseUrl, log, retryMs: deps.leaderRetryMs ?? 2000, listen: [PG_CHANNELS.samplesCommitted, PG_CHANNELS.rulesChanged] },
    {
      onAcquired: () => {
        evaluator.reset();
        scheduler.requestFull();
        outbox.kick();
      },
      onLost: () => {
        scheduler.clear();
        evaluator.reset();
      },
      onNotification: (channel, payload) => {
        if (channel === PG_CHANNELS.rulesChanged) scheduler.requestFull();
        else scheduler.requestFast(payload === '*' ? '*' : payload.split(',').filter(Boolean));
      },
    },
  );
  const leader = <T>(fn: Parameters<LeaderLease['use']>[0]) => lease.use(fn) as Promise<T>;
  const evaluator: Evaluator = new Evaluator({
    pool, leader, log, now, bucketSeconds: config.bucketSeconds, historySeconds: config.historySeconds,
    liveWindowSeconds: config.liveWindowSeconds, between: () => scheduler.drainFast(), detectors: deps.detectors,
  });
  const afterRound = (stats: RoundStats) => {
    if (stats.mode === 'full') lastRound = stats;
    if (stats.transitions.length) outbox.kick();
    log.debug({ ...stats, transitions: stats.transitions.length }, 'round done');
  };
  const scheduler: RoundScheduler = new RoundScheduler(
    {
      fullRound: async () => afterRound(await evaluator.fullRound()),
      fastRound: async (ids) => afterRound(await evaluator.fastRound(ids)),
    },
    { log, coalesceMs: 5 },
  );
  const transport = config.smtpUrl ? smtpTransport({ url: config.smtpUrl, from: config.mailFrom, timeoutSeconds: config.smtpTimeoutSeconds }) : undefined;
  const outbox: OutboxWorker = new OutboxWorker({
    leader, transport, log, now, groupWaitSeconds: config.groupWaitSeconds, repeatIntervalSeconds: config.repeatIntervalSeconds,
    dashboardUrl: config.dashboardUrl, retryMaxSeconds: config.smtpRetryMaxSeconds,
  });

  const roundTimer = setInterval(() => lease.leading && scheduler.requestFull(), config.evaluationIntervalSeconds * 1000);
  const outboxTimer = setInterval(() => lease.leading && outbox.kick(), deps.outboxIntervalMs ?? 1000);
  lease.start();

  // A hung PostgreSQL used to hang the probe as long as the server hung: now
  // it fails within READY_TIMEOUT_MS, and probes share one check meanwhile.
  let check: Promise<unknown> | undefined;
  const readiness = () =>
    (check ??= new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('readiness check timed out')), READY_TIMEOUT_MS);
      pool.query('SELECT 1').then(resolve, reject).finally(() => clearTimeout(timer));
    }).finally(() => (check = undefined)));

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/livez') return send(200, { status: 'ok' });
    if (req.url === '/readyz') {
      readiness().then(
        () => send(200, { status: 'ok', leading: lease.leading, evaluations: scheduler.fullRounds }),
        () => {
          res.setHeader('retry-after', '5');
          send(503, { error: { code: 'database_unavailable', message: 'The database is not reachable.' } });
        },
      );
      return;
    }
    if (req.url === '/status') {
      const r = lastRound;
      return send(200, {
        leading: lease.leading, evaluations: scheduler.fullRounds, instances: evaluator.series.size,
        lastFullRound: r && { instances: r.instances, samples: r.samples, changes: r.changes, ms: r.ms },
        outbox: { sent: outbox.sent, failedTries: outbox.failedTries }, smtp: transport ? 'configured' : 'mailbox',
        memory: { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed },
      });
    }
    send(404, { error: { code: 'not_found', message: 'The alerter serves /livez, /readyz and /status.' } });
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  log.info({ port, smtp: transport ? 'configured' : 'none (emails go to the mailbox)' }, 'alerter started');

  return {
    url: `http://${config.host}:${port}`,
    leading: () => lease.leading,
    evaluations: () => scheduler.fullRounds,
    lastRound: () => lastRound,
    whenIdle: async () => {
      await scheduler.idle();
      await outbox.idle();
    },
    close: async () => {
      clearInterval(roundTimer);
      clearInterval(outboxTimer);
      scheduler.stop();
      await scheduler.idle();
      await outbox.idle();
      await lease.stop();
      transport?.close();
      await new Promise((r) => server.close(r));
      await pool.end();
    },
  };
}
