// No loss is silent: the samples an agent reports dropped (`dropped`, per
// batch) add up on its instance, once per stored batch however often the
// batch is retried, and the query API shows the total and when it last grew.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import type { IngestBatch, InstanceSummary } from '@memsight/contracts';
import { useTenantAndIngest } from '../../testing/harness';

const MINUTE = 60_000;

describe('dropped samples', () => {
  const suite = useTenantAndIngest('ingest-dropped');

  const post = async (batch: IngestBatch) => {
    const res = await fetch(`${suite.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.tenant.apiKey}` },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { duplicate: boolean };
  };
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${suite.url}${path}`, { headers: { authorization: `Bearer ${suite.tenant.apiKey}` } });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as T;
  };
  const instanceOf = async (agentInstanceId: string): Promise<InstanceSummary> => {
    const { rows } = await suite.tenant.pool.query<{ id: string }>(
      'SELECT id::text FROM instances WHERE project_id = $1 AND agent_instance_id = $2',
      [suite.tenant.projectId, agentInstanceId],
    );
    const one = await get<InstanceSummary>(`/api/instances/${rows[0]!.id}`);
    const { instances } = await get<{ instances: InstanceSummary[] }>(`/api/apps/${one.appId}/instances`);
    const listed = instances.find((i) => i.agentInstanceId === agentInstanceId);
    assert.ok(listed, `${agentInstanceId} is listed`);
    assert.deepEqual([one.droppedSamples, one.droppedLastAt], [listed.droppedSamples, listed.droppedLastAt], 'the list and the instance agree');
    return one;
  };
  /** Batch `seq` of one agent, its samples ending `minutesAgo` (each seq its own timestamps, as an agent's are). */
  const batchOf = (golden: 'node-batch' | 'python-batch', id: string, seq: number, minutesAgo: number, dropped?: number): IngestBatch => {
    const b = rebaseBatch(readGolden('valid', golden), Date.now() - minutesAgo * MINUTE);
    const { dropped: _, ...rest } = b;
    return { ...rest, instance: { ...b.instance, id }, seq, ...(dropped === undefined ? {} : { dropped }) };
  };

  test('an agent that lost nothing shows no drops', async () => {
    await post(batchOf('node-batch', 'drops-none', 1, 10));
    await post(batchOf('node-batch', 'drops-none', 2, 9, 0));
    const instance = await instanceOf('drops-none');
    assert.equal(instance.droppedSamples, 0);
    assert.equal(instance.droppedLastAt, null);
  });

  test('drops add up per stored batch, and a retried batch is not counted twice', async () => {
    const id = 'drops-node';
    await post(batchOf('node-batch', id, 1, 20));
    const second = batchOf('node-batch', id, 2, 15, 340);
    assert.equal((await post(second)).duplicate, false);
    assert.equal((await post(second)).duplicate, true, 'the lost acknowledgement case: the agent sends it again');
    let instance = await instanceOf(id);
    assert.equal(instance.droppedSamples, 340);
    assert.equal(instance.droppedLastAt, new Date(second.samples.at(-1)!.ts).toISOString(), "the newest sample of the batch that reported them");

    // Retries racing each other, and two new batches at once (perhaps one group commit).
    const third = batchOf('node-batch', id, 3, 10, 60);
    const fourth = batchOf('node-batch', id, 4, 5, 7);
    const answers = await Promise.all([post(third), post(third), post(third), post(fourth), post(fourth)]);
    assert.equal(answers.filter((a) => !a.duplicate).length, 2);
    instance = await instanceOf(id);
    assert.equal(instance.droppedSamples, 340 + 60 + 7);
    assert.equal(instance.droppedLastAt, new Date(fourth.samples.at(-1)!.ts).toISOString());

    // A late batch (an older outbox entry sent after a newer one) adds its count but does not move the time back.
    await post(batchOf('node-batch', id, 5, 30, 1));
    instance = await instanceOf(id);
    assert.equal(instance.droppedSamples, 408);
    assert.equal(instance.droppedLastAt, new Date(fourth.samples.at(-1)!.ts).toISOString());
  });

  test('a batch with snapshots (the careful write path) counts its drops once too', async () => {
    const id = 'drops-python';
    const batch = batchOf('python-batch', id, 17, 5, 25);
    assert.ok(batch.snapshots?.length, 'the golden Python batch carries snapshots');
    await post(batch);
    await post(batch);
    assert.equal((await instanceOf(id)).droppedSamples, 25);
  });

  test("one instance's drops are not another's", async () => {
    await post(batchOf('node-batch', 'drops-aaaa', 1, 5, 3));
    await post(batchOf('node-batch', 'drops-bbbb', 1, 5));
    assert.equal((await instanceOf('drops-aaaa')).droppedSamples, 3);
    assert.equal((await instanceOf('drops-bbbb')).droppedSamples, 0);
  });
});
