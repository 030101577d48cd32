// The Python agent inside real pre-fork servers: gunicorn and uwsgi serve a
// WSGI app over loopback while the agent reports to a real ingest. Each worker
// must land as its own instance, named after its worker, with its own samples;
// and the server must still serve and stop cleanly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { waitForHttp } from '../../scripts/lib/processes';
import { GUNICORN, skipUnless, UWSGI } from '../../scripts/lib/system-packages';
import { useTenantAndIngest } from '@memsight/ingest/testing';

const AGENT_DIR = import.meta.dirname;
const SCENARIOS = path.join(AGENT_DIR, 'scenarios');

interface Served {
  pids: Set<number>;
  exitCode: number | null;
  stderr: string;
}

/**
 * Starts the server, sends requests until the agents in its workers have
 * reported, then stops it with `stopSignal` and waits for it to exit.
 */
async function serve(args: string[], env: NodeJS.ProcessEnv, stopSignal: NodeJS.Signals, reported: (pids: Set<number>) => Promise<boolean>): Promise<Served> {
  const port = await freePort();
  const argv = args.map((a) => a.replace('{port}', String(port)));
  const child = spawn(argv[0]!, argv.slice(1), { cwd: SCENARIOS, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pids = new Set<number>();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 30_000);
    const deadline = Date.now() + 20_000;
    // Bounded: at most 20 s of requests, ten at a time, each with its own connection.
    while (Date.now() < deadline) {
      // A deadlocked worker never answers: each request gives up after 5 s.
      const bodies = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5_000) })
            .then((r) => r.text())
            .catch(() => ''),
        ),
      );
      for (const body of bodies) if (body) pids.add(Number(body));
      if (pids.size >= 2 && (await reported(pids))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    process.kill(-child.pid!, stopSignal);
  }
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  const exitCode = await exited;
  clearTimeout(timer);
  return { pids, exitCode, stderr };
}

describe('python agent in gunicorn and uwsgi: each worker is its own named instance', { timeout: 240_000 }, () => {
  const suite = useTenantAndIngest('python-servers');

  const agentEnv = (app: string): NodeJS.ProcessEnv => ({
    PYTHONPATH: AGENT_DIR,
    MEMSIGHT_ENDPOINT: suite.url,
    MEMSIGHT_API_KEY: suite.tenant.apiKey,
    MEMSIGHT_APP: app,
    MEMSIGHT_INTERVAL: '0.2',
    MEMSIGHT_FLUSH_INTERVAL: '0.3',
  });

  async function instances(app: string): Promise<{ worker: string | null; pid: number; samples: number }[]> {
    const { rows } = await suite.tenant.pool.query(
      `SELECT i.worker, i.pid, (SELECT count(*)::int FROM samples s WHERE s.instance_id = i.id) AS samples
         FROM instances i JOIN apps a ON a.id = i.app_id WHERE i.project_id = $1 AND a.name = $2`,
      [suite.tenant.projectId, app],
    );
    return rows;
  }

  /** True once every pid that served a request has an instance with samples. */
  const allServedReport = (app: string) => async (served: Set<number>) => {
    const rows = await instances(app);
    return [...served].every((pid) => rows.some((r) => r.pid === pid && r.samples > 0));
  };

  test('gunicorn, attached with `python -m memsight run`: the master and every worker report', { skip: skipUnless([GUNICORN]) }, async () => {
    const app = `gunicorn-run-${process.pid}`;
    const served = await serve(
      ['python3', '-m', 'memsight', 'run', '--', 'gunicorn', '-w', '2', '-b', '127.0.0.1:{port}', 'wsgi_app:app'],
      agentEnv(app),
      'SIGTERM',
      allServedReport(app),
    );
    assert.equal(served.exitCode, 0, served.stderr.slice(-3000));
    assert.doesNotMatch(served.stderr, /Traceback|memsight ERROR/, served.stderr.slice(-3000));
    const rows = await instances(app);
    assert.ok(served.pids.size >= 2, `requests reached ${served.pids.size} worker(s)`);
    for (const pid of served.pids) {
      const row = rows.find((r) => r.pid === pid);
      assert.ok(row && row.samples > 0, `worker ${pid} has samples: ${JSON.stringify(rows)}`);
      assert.equal(row.worker, `gunicorn:${pid}`);
    }
    assert.ok(rows.some((r) => r.worker === 'gunicorn:master'), `the master reports as itself: ${JSON.stringify(rows)}`);
  });

  const uwsgi = (wsgiFile: string) => ['uwsgi', '--plugin', 'python3', '--http-socket', '127.0.0.1:{port}', '--master', '--processes', '2',
    '--wsgi-file', wsgiFile, '--callable', 'app', '--enable-threads', '--disable-logging'];

  async function checkUwsgi(app: string, served: Served): Promise<void> {
    assert.equal(served.exitCode, 0, served.stderr.slice(-3000));
    assert.doesNotMatch(served.stderr, /Traceback|memsight (ERROR|WARNING)/, served.stderr.slice(-3000));
    const rows = await instances(app);
    assert.ok(served.pids.size >= 2, `requests reached ${served.pids.size} worker(s)`);
    for (const pid of served.pids) {
      const row = rows.find((r) => r.pid === pid);
      assert.ok(row && row.samples > 0, `worker ${pid} has samples: ${JSON.stringify(rows)}`);
      assert.match(row.worker ?? '', /^uwsgi:[12]$/);
    }
    assert.equal(new Set(rows.map((r) => r.worker)).size, rows.length, `one instance per worker: ${JSON.stringify(rows)}`);
    // The master forks the workers in C: a thread of ours there could deadlock them, so it has none.
    assert.ok(!rows.some((r) => r.worker === 'uwsgi:master'), `the master stays silent: ${JSON.stringify(rows)}`);
  }

  test('uwsgi, with memsight.start() in the app', { skip: skipUnless([UWSGI]) }, async () => {
    const app = `uwsgi-start-${process.pid}`;
    const served = await serve(uwsgi('wsgi_app_started.py'), agentEnv(app), 'SIGINT', allServedReport(app));
    await checkUwsgi(app, served);
  });

  test('uwsgi, attached with `python -m memsight run` and --py-call-uwsgi-fork-hooks', { skip: skipUnless([UWSGI]) }, async () => {
    const app = `uwsgi-run-${process.pid}`;
    const served = await serve(['python3', '-m', 'memsight', 'run', '--', ...uwsgi('wsgi_app.py'), '--py-call-uwsgi-fork-hooks'], agentEnv(app), 'SIGINT',
      allServedReport(app));
    await checkUwsgi(app, served);
  });
});
