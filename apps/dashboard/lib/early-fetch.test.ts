import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { earlyNow, earlyScript, takeEarly } from './early-fetch';
import { PROJECT_HEADER, STORAGE_KEY } from './project';

interface Asked {
  path: string;
  headers: Record<string, string>;
  answer: (r: Response) => void;
}

/** Runs the script as the browser would: a window with localStorage and a fetch this test answers by hand. */
function runScript(source: string, stored: string | null): Asked[] {
  const asked: Asked[] = [];
  const window: Record<string, unknown> = {};
  const sandbox = {
    window,
    Promise,
    localStorage: { getItem: (k: string) => (k === STORAGE_KEY ? stored : null) },
    fetch: (path: string, init: { headers: Record<string, string> }) => new Promise<Response>((answer) => asked.push({ path, headers: init.headers, answer })),
  };
  runInNewContext(source, sandbox);
  (globalThis as Record<string, unknown>).window = window;
  return asked;
}
const tick = () => new Promise((r) => setImmediate(r));

afterEach(() => delete (globalThis as Record<string, unknown>).window);

test('chains run in order, each after the previous answer; separate chains at once', async () => {
  const asked = runScript(earlyScript([['/api/me'], ['/api/alerts/transitions', '/api/alerts?state=firing']], Date.now()), null);
  await tick();
  assert.deepEqual(asked.map((a) => a.path), ['/api/me', '/api/alerts/transitions'], 'the list waits for the cursor');
  asked[1]!.answer(new Response('{"cursor":"1"}'));
  await tick();
  assert.deepEqual(asked.map((a) => a.path), ['/api/me', '/api/alerts/transitions', '/api/alerts?state=firing']);
  assert.deepEqual({ ...asked[0]!.headers }, {}, 'no project chosen: no project header');
});

test('the chosen project rides along, and the page takes an answer only for that project, once', async () => {
  const now = Date.now();
  const asked = runScript(earlyScript([['/api/overview']], now), 'p-1');
  await tick();
  assert.deepEqual({ ...asked[0]!.headers }, { [PROJECT_HEADER]: 'p-1' });
  assert.equal(earlyNow(), now, 'the window anchors at the paths\' now while a call is left');
  assert.equal(takeEarly('/api/overview', 'p-2'), undefined, 'another project asks afresh');
  assert.equal(takeEarly('/api/apps', 'p-1'), undefined, 'a path the document did not start');
  const early = takeEarly('/api/overview', 'p-1');
  assert.ok(early);
  asked[0]!.answer(new Response('{"apps":[]}'));
  assert.deepEqual(await (await early).json(), { apps: [] });
  assert.equal(takeEarly('/api/overview', 'p-1'), undefined, 'taken once');
  assert.equal(earlyNow(), undefined, 'all taken: later loads use their own now');
});

test('stale answers are not taken, and a path cannot close the script element', () => {
  runScript(earlyScript([['/api/overview']], Date.now() - 60_000), null);
  assert.equal(takeEarly('/api/overview', null), undefined);
  assert.ok(!earlyScript([['/api/x?</script><script>alert(1)</script>']], 0).includes('</script>'));
});
