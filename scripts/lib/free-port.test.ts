import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freePort } from './free-port';

test('freePort never hands one process the same port twice, and each can be bound', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 200; i++) ports.push(await freePort());
  assert.equal(new Set(ports).size, ports.length, `repeated: ${ports.filter((p, i) => ports.indexOf(p) !== i).join(', ')}`);
  const srv = createServer();
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(ports.at(-1), '127.0.0.1', resolve));
  await new Promise((resolve) => srv.close(resolve));
});
