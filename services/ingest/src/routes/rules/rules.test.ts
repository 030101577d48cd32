// Alert rules over real HTTP: defaults per project, overrides, threshold
// rules, and every refusal naming its field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readGolden, rebaseBatch } from '@memsight/contracts/golden';
import type { AlertRule } from '@memsight/contracts';
import { createTenant, startTestIngest, type Tenant } from '../../testing/harness';

describe('alert rules API', () => {
  let owner: Tenant;
  let stranger: Tenant;
  let url: string;
  let close: () => Promise<void>;
  let appId: string;
  let instanceId: string;
  let strangerAppId: string;

  const call = (method: string, path: string, body?: unknown, key = owner.apiKey) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const ingestAs = async (tenant: Tenant) => {
    const res = await call('POST', '/v1/ingest', rebaseBatch(readGolden('valid', 'python-batch'), Date.now()), tenant.apiKey);
    assert.equal(res.status, 200);
    const { rows } = await tenant.pool.query('SELECT id::text, app_id AS "appId" FROM instances WHERE project_id = $1', [tenant.projectId]);
    return rows[0] as { id: string; appId: string };
  };

  before(async () => {
    owner = await createTenant('rules-owner');
    stranger = await createTenant('rules-stranger');
    const started = await startTestIngest();
    url = started.url;
    close = () => started.app.close();
    ({ id: instanceId, appId } = await ingestAs(owner));
    ({ appId: strangerAppId } = await ingestAs(stranger));
  });
  after(async () => {
    await close();
    await owner.cleanup();
    await stranger.cleanup();
  });

  test('a project starts with one default rule per detector kind', async () => {
    const res = await call('GET', '/api/rules');
    assert.equal(res.status, 200);
    const { rules } = (await res.json()) as { rules: AlertRule[] };
    assert.deepEqual(rules.filter((r) => r.builtin).map((r) => r.kind).sort(), ['data-loss', 'fragmentation', 'gc', 'leak', 'resource-leak', 'time-to-limit']);
    const leak = rules.find((r) => r.kind === 'leak')!;
    assert.equal(leak.forSeconds, 300);
    assert.equal(leak.appId, null);
    assert.deepEqual(leak.params, {}, 'defaults are not copied into the row');
  });

  test('a threshold rule on a catalogue metric with attributes is created, read, changed and deleted', async () => {
    const created = await call('POST', '/api/rules', { kind: 'threshold', appId, params: { metric: 'process.open_fds{kind=socket}', op: '>=', value: 100 }, forSeconds: 30 });
    assert.equal(created.status, 201);
    const rule = (await created.json()) as AlertRule;
    assert.equal(rule.kind, 'threshold');
    assert.equal(rule.appId, appId);
    assert.equal(rule.name, 'Threshold');
    assert.equal((await call('GET', `/api/rules/${rule.id}`)).status, 200);
    const changed = await call('PATCH', `/api/rules/${rule.id}`, { params: { metric: 'process.threads', value: 64 }, severity: 'critical' });
    assert.equal(changed.status, 200);
    const updated = (await changed.json()) as AlertRule;
    assert.deepEqual(updated.params, { metric: 'process.threads', value: 64 });
    assert.equal(updated.severity, 'critical');
    assert.equal((await call('GET', `/api/rules?appId=${appId}&kind=threshold`).then((r) => r.json())).rules.length, 1);
    assert.equal((await call('DELETE', `/api/rules/${rule.id}`)).status, 204);
    assert.equal((await call('GET', `/api/rules/${rule.id}`)).status, 404);
  });

  test('an instance override is scoped to its instance and app', async () => {
    const res = await call('POST', '/api/rules', { kind: 'leak', instanceId, params: { minRateBytesPerHour: 10_000_000 } });
    assert.equal(res.status, 201);
    const rule = (await res.json()) as AlertRule;
    assert.equal(rule.instanceId, instanceId);
    assert.equal(rule.appId, appId, 'the instance implies its app');
  });

  const refusal = async (body: unknown, method = 'POST', path = '/api/rules') => {
    const res = await call(method, path, body);
    const json = (await res.json()) as { error: { code: string; message: string; details?: { path: string; message: string }[] } };
    return { status: res.status, ...json.error };
  };

  test('bad rules are refused with a 400 that names the field', async () => {
    const notInCatalogue = await refusal({ kind: 'threshold', params: { metric: 'process.memory.heap', value: 1 } });
    assert.equal(notInCatalogue.status, 400);
    assert.equal(notInCatalogue.details?.[0]?.path, '/params/metric');
    assert.match(notInCatalogue.message, /not in the metric catalogue/);

    const badAttribute = await refusal({ kind: 'threshold', params: { metric: 'process.open_fds{type=socket}', value: 1 } });
    assert.match(badAttribute.message, /no attribute type: its attributes are kind/);

    const missingValue = await refusal({ kind: 'threshold', params: { metric: 'process.threads' } });
    assert.equal(missingValue.details?.[0]?.path, '/params/value');

    const unknownSetting = await refusal({ kind: 'leak', params: { windowMinutes: 30 } });
    assert.equal(unknownSetting.details?.[0]?.path, '/params/windowMinutes');
    assert.match(unknownSetting.message, /not a setting of leak rules/);

    const impossible = await refusal({ kind: 'fragmentation', params: { minRatio: 1.5 } });
    assert.equal(impossible.details?.[0]?.path, '/params/minRatio');

    const spanOverWindow = await refusal({ kind: 'leak', params: { windowSeconds: 600, minSpanSeconds: 900 } });
    assert.equal(spanOverWindow.details?.[0]?.path, '/params/minSpanSeconds');

    const negativeFor = await refusal({ kind: 'gc', forSeconds: -5 });
    assert.equal(negativeFor.status, 400);
    assert.match(negativeFor.message, /forSeconds/);

    const badKind = await refusal({ kind: 'memory' });
    assert.equal(badKind.status, 400);
    assert.match(badKind.message, /kind/);

    const thresholdWithoutParams = await refusal({ kind: 'threshold' });
    assert.equal(thresholdWithoutParams.details?.[0]?.path, '/params');

    const strangersApp = await refusal({ kind: 'leak', appId: strangerAppId });
    assert.equal(strangersApp.details?.[0]?.path, '/appId');
  });

  test('a default rule can be tuned and disabled but not deleted; other tenants cannot see it', async () => {
    const { rules } = (await (await call('GET', '/api/rules?kind=gc')).json()) as { rules: AlertRule[] };
    const gc = rules.find((r) => r.builtin)!;
    const disabled = await call('PATCH', `/api/rules/${gc.id}`, { enabled: false, params: { maxPauseFraction: 0.2 } });
    assert.equal(disabled.status, 200);
    assert.equal(((await disabled.json()) as AlertRule).enabled, false);
    const deleted = await refusal(undefined, 'DELETE', `/api/rules/${gc.id}`);
    assert.equal(deleted.status, 409);
    assert.match(deleted.message, /Disable it instead/);
    const badPatch = await refusal({ params: { maxPauseFraction: 3 } }, 'PATCH', `/api/rules/${gc.id}`);
    assert.equal(badPatch.details?.[0]?.path, '/params/maxPauseFraction');
    assert.equal((await call('GET', `/api/rules/${gc.id}`, undefined, stranger.apiKey)).status, 404);
    assert.equal((await call('PATCH', `/api/rules/${gc.id}`, { enabled: true }, stranger.apiKey)).status, 404);
  });
});
