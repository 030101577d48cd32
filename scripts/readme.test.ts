// The README's configuration table must name every variable the code reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INGEST_ENV } from '../services/ingest/src/config';
import { ALERTER_ENV } from '../services/alerter/src/config';
import { DASHBOARD_ENV } from '../apps/dashboard/lib/server-config';
import { STACK_ENV } from './lib/stack-config';

test('every environment variable is in the README configuration table', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  const read = new Set([...Object.keys(INGEST_ENV), ...Object.keys(ALERTER_ENV), ...Object.keys(STACK_ENV), ...Object.keys(DASHBOARD_ENV), 'INGEST_URL']);
  for (const name of read) assert.ok(documented.has(name), `${name} is missing from the README`);
  for (const name of documented) assert.ok(read.has(name!), `${name} is documented but nothing reads it`);
});
