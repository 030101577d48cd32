// Reads a service's environment once, against a TypeBox schema, and names the
// environment variable in every error. Services pass the typed result down.
import { readFileSync } from 'node:fs';
import { Type, type TObject, type Static } from 'typebox';
import { Value } from 'typebox/value';

export class ConfigError extends Error {}

export function loadConfig<S extends TObject>(
  schema: S,
  envNames: Record<string, keyof Static<S> & string>,
  env: Record<string, string | undefined>,
  overrides: Partial<Static<S>> = {},
  service = 'memsight',
): Static<S> {
  const envNameOf = (key: string) => Object.entries(envNames).find(([, k]) => k === key)?.[0] ?? key;
  const raw: Record<string, unknown> = {};
  for (const [envName, key] of Object.entries(envNames)) {
    const value = envValue(env, envName, service);
    if (value === undefined || value === '') continue;
    const def = schema.properties[key] as { type?: string };
    raw[key] = def.type === 'integer' || def.type === 'number' ? Number(value) : def.type === 'boolean' ? value === 'true' || value === '1' : value;
  }
  const candidate = Value.Default(schema, { ...raw, ...overrides });
  if (!Value.Check(schema, candidate)) {
    const problems = [...Value.Errors(schema, candidate)].map((e) => {
      const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
      if (missing?.[0]) return `${envNameOf(missing[0])} is required`;
      return `${envNameOf(e.instancePath.slice(1))}: ${e.message}`;
    });
    throw new ConfigError(`Invalid ${service} configuration: ${problems.join('; ')}`);
  }
  return candidate as Static<S>;
}

/**
 * NAME, or the contents of the file NAME_FILE names (Docker and Kubernetes
 * secrets are mounted as files, so passwords stay out of `docker inspect`).
 * The trailing newline `echo` and `openssl rand` leave is not part of the value.
 */
function envValue(env: Record<string, string | undefined>, envName: string, service: string): string | undefined {
  const file = env[`${envName}_FILE`];
  if (file === undefined || file === '') return env[envName];
  if (env[envName] !== undefined && env[envName] !== '') throw new ConfigError(`Invalid ${service} configuration: set ${envName} or ${envName}_FILE, not both`);
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(`Invalid ${service} configuration: ${envName}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

export const LogLevelSchema = Type.Union(
  [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
  { default: 'info' },
);

/** For a service's entry point: the config, or a one-line reason on stderr and exit code 1 (no stack trace). */
export function configOrExit<T>(load: () => T, service: string): T {
  try {
    return load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`memsight ${service}: ${err.message}\n`);
    process.exit(1);
  }
}
