// Who is reporting: one instance per process (a cluster worker or child is a
// process of its own). The worker name tells cluster and PM2 workers apart.
import { createRequire } from 'node:module';
import os from 'node:os';
import type { InstanceIdentity } from '@memsight/contracts';

const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_./-]{0,127}$/; // the contract's LABEL_KEY_PATTERN

/**
 * 80 random bits: an id only has to be unique, not secret. Not node:crypto,
 * which would add 0.75 MB of RSS to a host that does not load it already.
 */
export function newInstanceId(): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += Math.floor(Math.random() * 0x100000).toString(16).padStart(5, '0');
  return `node-${hex}`;
}

/** `pm2:<id>` under PM2 (see ProcessFacts), `cluster:<id>` in a cluster worker (`clusterWorkerId`, below). */
export function workerName(pm2Instance?: string, clusterWorkerId?: number): string | undefined {
  if (pm2Instance) return `pm2:${pm2Instance}`.slice(0, 64);
  return clusterWorkerId === undefined ? undefined : `cluster:${clusterWorkerId}`;
}

/**
 * The cluster worker id, if this process is a cluster worker. Node deletes
 * NODE_UNIQUE_ID from the environment before any user code runs, so only the
 * cluster module knows; it is loaded only in a process that has an IPC
 * channel (a worker has one), never in a plain server.
 */
export function clusterWorkerId(): number | undefined {
  if (typeof process.send !== 'function') return undefined;
  const cluster = createRequire(import.meta.url)('node:cluster') as typeof import('node:cluster').default;
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

export function cleanLabels(labels: Record<string, string>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels).slice(0, 32)) if (LABEL_KEY.test(k)) out[k] = String(v).slice(0, 256);
  return Object.keys(out).length ? out : undefined;
}

export interface IdentityInput {
  app: string;
  appVersion: string;
  labels: Record<string, string>;
  instanceId: string;
  startedAtMs: number;
  worker?: string | undefined;
  memoryLimit?: number | null | undefined;
}

export function instanceIdentity(i: IdentityInput): InstanceIdentity {
  const identity: InstanceIdentity = {
    id: i.instanceId,
    app: (i.app || 'node-app').slice(0, 128),
    host: (os.hostname() || 'unknown').slice(0, 255),
    pid: process.pid,
    runtime: 'node',
    runtimeVersion: process.versions.node,
    startedAt: Math.round(i.startedAtMs),
  };
  if (i.appVersion) identity.appVersion = i.appVersion.slice(0, 128);
  if (i.worker) identity.worker = i.worker.slice(0, 64);
  if (i.memoryLimit != null) identity.memoryLimitBytes = i.memoryLimit;
  const labels = cleanLabels(i.labels);
  if (labels) identity.labels = labels;
  return identity;
}
