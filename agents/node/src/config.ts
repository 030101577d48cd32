// The agent's settings: options passed to start(), else the same MEMSIGHT_*
// environment variables as the Python agent, else defaults. Read once. A bad
// value is reported and replaced by its default: configuration must never
// crash the host.
import type { LogLevel } from './log.js';

export interface AgentConfig {
  endpoint: string;
  apiKey: string;
  app: string;
  appVersion: string;
  labels: Record<string, string>;
  /** Seconds between samples. */
  interval: number;
  /** Seconds between batches. */
  flushInterval: number;
  /** Seconds between the costlier readings (PSS, fd kinds, cgroup limit, heap profile). */
  slowInterval: number;
  /** Sampling heap profiler interval in bytes; 0 = off. */
  heapSampling: number;
  /** Seconds without a major GC before the agent requests one, for a floor reading; 0 = off. */
  gcProbe: number;
  /** Seconds a requested GC's estimated pause may take; larger heaps are not probed. */
  gcProbeMaxPause: number;
  bufferBytes: number;
  /** Seconds per HTTP exchange. */
  timeout: number;
  logLevel: LogLevel;
  disabled: boolean;
}

export type AgentOptions = Partial<AgentConfig>;

/** What the environment says about the process, as opposed to settings. */
export interface ProcessFacts {
  /** PM2's instance id (pm_id or NODE_APP_INSTANCE), when PM2 runs the process. */
  pm2Instance?: string;
  /** The environment for the exit sender: this one, with the agent off and not preloaded again. */
  senderEnv: NodeJS.ProcessEnv;
}

export type LoadedConfig = AgentConfig & ProcessFacts;

export const DEFAULTS: AgentConfig = {
  endpoint: 'http://127.0.0.1:4100',
  apiKey: '',
  app: '',
  appVersion: '',
  labels: {},
  interval: 10,
  flushInterval: 10,
  slowInterval: 60,
  heapSampling: 0, // off: sampling costs the host on its allocations
  // A requested major GC pauses the host about 8 ms + 1.1 ms per MB of old
  // generation (collectors/gc-probe.ts): at most one every 3 minutes, and none
  // over 50 ms (a heap of about 40 MB), keeps its cost out of the p99.
  gcProbe: 180,
  gcProbeMaxPause: 0.05,
  bufferBytes: 1 << 20,
  timeout: 5,
  logLevel: 'warning',
  disabled: false,
};

export const ENV: Record<keyof AgentConfig, string> = {
  endpoint: 'MEMSIGHT_ENDPOINT',
  apiKey: 'MEMSIGHT_API_KEY',
  app: 'MEMSIGHT_APP',
  appVersion: 'MEMSIGHT_APP_VERSION',
  labels: 'MEMSIGHT_LABELS',
  interval: 'MEMSIGHT_INTERVAL',
  flushInterval: 'MEMSIGHT_FLUSH_INTERVAL',
  slowInterval: 'MEMSIGHT_SLOW_INTERVAL',
  heapSampling: 'MEMSIGHT_HEAP_SAMPLING',
  gcProbe: 'MEMSIGHT_GC_PROBE',
  gcProbeMaxPause: 'MEMSIGHT_GC_PROBE_MAX_PAUSE',
  bufferBytes: 'MEMSIGHT_BUFFER_BYTES',
  timeout: 'MEMSIGHT_TIMEOUT',
  logLevel: 'MEMSIGHT_LOG_LEVEL',
  disabled: 'MEMSIGHT_DISABLED',
};

const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'off'];
const SECONDS = new Set<keyof AgentConfig>(['interval', 'flushInterval', 'slowInterval', 'timeout']);

function parse(name: keyof AgentConfig, raw: unknown): unknown {
  const fallback = DEFAULTS[name];
  if (typeof fallback === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(text)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
    throw new Error('expected true or false');
  }
  if (typeof fallback === 'number') {
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isFinite(value)) throw new Error('expected a number');
    if (SECONDS.has(name) && !(value > 0)) throw new Error('must be a positive number of seconds');
    if (value < 0) throw new Error('must not be negative');
    return value;
  }
  if (name === 'labels') {
    if (raw && typeof raw === 'object') return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    const pairs = String(raw).split(',').filter((p) => p.trim());
    if (pairs.some((p) => !p.includes('='))) throw new Error('expected key=value pairs separated by commas');
    return Object.fromEntries(pairs.map((p) => p.split('=', 2).map((s) => s.trim()) as [string, string]));
  }
  if (name === 'logLevel') {
    const level = String(raw).trim().toLowerCase();
    if (!LOG_LEVELS.includes(level)) throw new Error(`expected one of ${LOG_LEVELS.join(', ')}`);
    return level;
  }
  return String(raw);
}

/** Settings from `options`, else `env` (the process's environment, read here and nowhere else), else defaults. */
export function loadConfig(options: AgentOptions, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = () => {}): LoadedConfig {
  const config: LoadedConfig = { ...DEFAULTS, labels: {}, senderEnv: { ...env, MEMSIGHT_DISABLED: '1' } };
  delete config.senderEnv.NODE_OPTIONS;
  const pm2 = env.pm_id ?? env.NODE_APP_INSTANCE;
  if (pm2) config.pm2Instance = pm2;
  for (const name of Object.keys(DEFAULTS) as (keyof AgentConfig)[]) {
    let raw: unknown;
    let where: string;
    if (options[name] !== undefined && options[name] !== null) [raw, where] = [options[name], `start({ ${name} })`];
    else if (env[ENV[name]] !== undefined) [raw, where] = [env[ENV[name]], ENV[name]];
    else continue;
    try {
      (config as unknown as Record<string, unknown>)[name] = parse(name, raw);
    } catch (err) {
      warn(`${where}=${JSON.stringify(raw)} is not valid (${(err as Error).message}); using the default ${JSON.stringify(DEFAULTS[name])}.`);
    }
  }
  const unknown = Object.keys(options).filter((k) => !(k in DEFAULTS));
  if (unknown.length) warn(`start() ignores unknown settings: ${unknown.sort().join(', ')}.`);
  config.endpoint = config.endpoint.replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(config.endpoint)) {
    warn(`endpoint ${JSON.stringify(config.endpoint)} is not an http:// or https:// URL; the agent stays off.`);
    config.disabled = true;
  }
  return config;
}
