import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';
import { cleanLabels, clusterWorkerId, instanceIdentity, newInstanceId, workerName } from './identity.ts';

test('worker names: cluster workers, PM2 instances, and plain processes', () => {
  assert.equal(workerName(undefined, 3), 'cluster:3');
  assert.equal(workerName(loadConfig({}, { pm_id: '7', NODE_APP_INSTANCE: '1' }).pm2Instance, 2), 'pm2:7');
  assert.equal(workerName(loadConfig({}, { NODE_APP_INSTANCE: '0' }).pm2Instance), 'pm2:0');
  assert.equal(workerName(loadConfig({}, {}).pm2Instance), undefined);
  assert.equal(clusterWorkerId(), undefined, 'the test runner is no cluster worker');
});

test('identity: fresh ids, the contract\'s label rules, and the process start', () => {
  assert.notEqual(newInstanceId(), newInstanceId());
  assert.match(newInstanceId(), /^node-[0-9a-f]{20}$/);
  assert.deepEqual(
    cleanLabels({ env: 'prod', 'bad key': 'x', ['k'.repeat(129)]: 'x', long: 'y'.repeat(300), 'app.kubernetes.io/name': 'shop' }),
    { env: 'prod', long: 'y'.repeat(256), 'app.kubernetes.io/name': 'shop' },
  );
  const id = instanceIdentity({ app: '', appVersion: '', labels: {}, instanceId: 'node-1234567890', startedAtMs: 1.6e12 + 0.4, memoryLimit: null });
  assert.deepEqual(Object.keys(id).sort(), ['app', 'host', 'id', 'pid', 'runtime', 'runtimeVersion', 'startedAt']);
  assert.equal(id.app, 'node-app');
  assert.equal(id.startedAt, 1.6e12);
});
