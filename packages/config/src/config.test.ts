// loadConfig, and its NAME_FILE convention for secrets mounted as files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Type } from 'typebox';
import { ConfigError, loadConfig } from './index';

const Schema = Type.Object({
  databaseUrl: Type.String({ minLength: 1 }),
  port: Type.Integer({ default: 4100 }),
  secret: Type.Optional(Type.String({ minLength: 32 })),
});
const ENV = { DATABASE_URL: 'databaseUrl', SVC_PORT: 'port', SVC_SECRET: 'secret' } as const;

const dir = mkdtempSync(path.join(tmpdir(), 'memsight-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, contents: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, contents);
  return file;
}

test('plain variables are read and typed against the schema', () => {
  const config = loadConfig(Schema, ENV, { DATABASE_URL: 'postgresql://x', SVC_PORT: '4300' }, {}, 'svc');
  assert.deepEqual(config, { databaseUrl: 'postgresql://x', port: 4300 });
});

test('NAME_FILE supplies NAME from a file, without the trailing newline, for any setting', () => {
  const env = {
    DATABASE_URL_FILE: secretFile('database_url', 'postgresql://memsight:s3cret@postgres:5432/memsight\n'),
    SVC_SECRET_FILE: secretFile('secret', `${'a'.repeat(40)}\r\n`),
    SVC_PORT_FILE: secretFile('port', '4400'),
  };
  const config = loadConfig(Schema, ENV, env, {}, 'svc');
  assert.equal(config.databaseUrl, 'postgresql://memsight:s3cret@postgres:5432/memsight');
  assert.equal(config.secret, 'a'.repeat(40));
  assert.equal(config.port, 4400);
});

test('a value read from a file is checked like any other, under the variable it stands for', () => {
  const env = { DATABASE_URL: 'postgresql://x', SVC_SECRET_FILE: secretFile('short', 'too short\n') };
  assert.throws(() => loadConfig(Schema, ENV, env, {}, 'svc'), (err: Error) => err instanceof ConfigError && /^Invalid svc configuration: SVC_SECRET:/.test(err.message));
});

test('an empty NAME_FILE is unset, so NAME applies', () => {
  const config = loadConfig(Schema, ENV, { DATABASE_URL: 'postgresql://x', DATABASE_URL_FILE: '' }, {}, 'svc');
  assert.equal(config.databaseUrl, 'postgresql://x');
});

test('NAME and NAME_FILE together are refused rather than one silently winning', () => {
  const env = { DATABASE_URL: 'postgresql://a', DATABASE_URL_FILE: secretFile('both', 'postgresql://b') };
  assert.throws(() => loadConfig(Schema, ENV, env, {}, 'svc'), { message: 'Invalid svc configuration: set DATABASE_URL or DATABASE_URL_FILE, not both' });
});

test('an unreadable NAME_FILE names the variable and the path', () => {
  const missing = path.join(dir, 'missing');
  assert.throws(() => loadConfig(Schema, ENV, { DATABASE_URL_FILE: missing }, {}, 'svc'), {
    message: `Invalid svc configuration: DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`,
  });
});
