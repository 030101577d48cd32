// The agent's settings as documented: every variable it reads is in its
// README's table, and the variables both agents share are spelled the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV } from './config.ts';

const documented = (readme: string) =>
  new Set([...readFileSync(path.resolve(import.meta.dirname, readme), 'utf8').matchAll(/`(MEMSIGHT_[A-Z_]+)`/g)].map((m) => m[1]));

test('every MEMSIGHT_* variable is in the README, and all but the runtime-specific ones are the Python agent\'s too', () => {
  const node = documented('../README.md');
  const python = documented('../../python/README.md');
  for (const name of Object.values(ENV)) assert.ok(node.has(name), `${name} is missing from agents/node/README.md`);
  const runtimeSpecific = new Set(['MEMSIGHT_HEAP_SAMPLING', 'MEMSIGHT_GC_PROBE', 'MEMSIGHT_GC_PROBE_MAX_PAUSE']);
  for (const name of Object.values(ENV)) if (!runtimeSpecific.has(name)) assert.ok(python.has(name), `${name} is not a Python agent setting`);
});
