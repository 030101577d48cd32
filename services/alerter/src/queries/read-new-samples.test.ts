// The binary COPY reader against real PostgreSQL: values, NULLs, cursors, limits.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTenant, type Tenant } from '@memsight/db/testing';
import { createInstance, insertSamples } from '../test/fixtures';
import { readNewSamples } from './read-new-samples';

let tenant: Tenant;
before(async () => {
  tenant = await createTenant('read-samples');
});
after(async () => tenant.cleanup());

test('reads each instance after its cursor, oldest first, with NULLs and a per-instance limit', async () => {
  const t0 = Date.parse('2026-12-01T08:00:00Z');
  const a = await createInstance(tenant.pool, tenant.projectId, { app: 'a', startedAtMs: t0 });
  const b = await createInstance(tenant.pool, tenant.projectId, { app: 'b', startedAtMs: t0 });
  await insertSamples(tenant.pool, a.id, [0, 1, 2, 3].map((i) => ({ ts: t0 + i * 10_000 + 123, values: { x: i * 1.5, y: -1e300, z: 2 ** 53 } })));
  await tenant.pool.query(`UPDATE samples SET values[2] = NULL WHERE instance_id = $1 AND ts = to_timestamp($2 / 1000.0)`, [a.id, t0 + 10_123]);
  await insertSamples(tenant.pool, b.id, [{ ts: t0 + 5_000, values: { x: 7, y: 8, z: 9 } }]);
  const rows = await readNewSamples(tenant.pool, [{ instanceId: a.id, afterMs: t0 + 123 }, { instanceId: b.id, afterMs: 0 }], 2);
  assert.deepEqual(
    rows.map((r) => [r.instanceId, r.ts, r.values]),
    [
      [a.id, t0 + 10_123, [1.5, null, 2 ** 53]],
      [a.id, t0 + 20_123, [3, -1e300, 2 ** 53]],
      [b.id, t0 + 5_000, [7, 8, 9]],
    ],
  );
  assert.ok(rows.every((r) => Number.isInteger(r.metricSetId) && r.metricSetId > 0));
  assert.deepEqual(await readNewSamples(tenant.pool, [{ instanceId: a.id, afterMs: t0 + 30_123 }], 10), []);
  await assert.rejects(readNewSamples(tenant.pool, [{ instanceId: '1; DROP TABLE samples', afterMs: 0 }], 1), /bad cursor/);
});
