// A signed-in browser picks which of its projects the live feed follows:
// `project` in the handshake's auth (a WebSocket cannot carry the header the
// API calls use), checked against the person's memberships.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { EVENTS, type ClientToServerEvents, type ServerToClientEvents, type SubscribeAck } from '@memsight/contracts';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import { createTenant, startTestIngest, type Tenant } from '../testing/harness';
import { DASHBOARD, SECRET, TestPeople, type TestPerson } from '../testing/people';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('socket.io gateway: the project of a signed-in person', () => {
  let first: Tenant;
  let second: Tenant;
  let people: TestPeople;
  let person: TestPerson;
  let url: string;
  let close: () => Promise<void>;
  let secondInstance: string;
  const sockets: Client[] = [];

  const open = (auth: Record<string, string>): Client => {
    const s: Client = connect(url, { auth, extraHeaders: { cookie: person.cookie }, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    return s;
  };
  const connected = (s: Client) =>
    new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });

  before(async () => {
    first = await createTenant('gateway-project-a');
    second = await createTenant('gateway-project-b');
    people = new TestPeople(first.pool);
    person = await people.member('two-projects', 'member', first.projectId, second.projectId);
    const started = await startTestIngest({ authSecret: SECRET, dashboardUrl: DASHBOARD });
    url = started.url;
    close = () => started.app.close();
    const batch = rebaseBatch(readGolden('valid', 'python-batch'), Date.now());
    const res = await fetch(`${url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${second.apiKey}` }, body: JSON.stringify(batch) });
    assert.equal(res.status, 200);
    secondInstance = (await second.pool.query('SELECT id::text FROM instances WHERE project_id = $1', [second.projectId])).rows[0].id;
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await close();
    await people.cleanup();
    await first.cleanup();
    await second.cleanup();
  });

  test('without a choice the feed is the first project; with one, the chosen project', async () => {
    const plain = open({});
    await connected(plain);
    const refused: SubscribeAck = await plain.emitWithAck(EVENTS.subscribe, { instanceId: secondInstance });
    assert.equal(refused.ok, false, 'the second project is not the default one');
    const chosen = open({ project: second.projectId });
    await connected(chosen);
    const ack: SubscribeAck = await chosen.emitWithAck(EVENTS.subscribe, { instanceId: secondInstance });
    assert.deepEqual(ack, { ok: true });
  });

  test('a malformed project is refused at the handshake with what to send', async () => {
    await assert.rejects(connected(open({ project: 'not-a-uuid' })), /must be the id \(a UUID\)/);
  });

  test('a project the person is not in is refused at the handshake', async () => {
    const stranger = await createTenant('gateway-project-stranger');
    try {
      const s = open({ project: stranger.projectId });
      await assert.rejects(connected(s), /not a member/);
    } finally {
      await stranger.cleanup();
    }
  });
});
