// The example apps in examples/: what each one is, what it should raise, and
// how to start it under its real agent. `npm run demo`, the examples' smoke
// test and the end-to-end tests all start them from here.
import path from 'node:path';
import type { AlertKind } from '@memsight/contracts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PYTHON_AGENT_DIR = path.join(ROOT, 'agents/python');

export interface Example {
  /** Unique across runtimes; the demo reports it as app `demo-<name>`. */
  name: string;
  runtime: 'python' | 'node';
  file: string;
  /** The alerts it should raise with the demo's rules. */
  raises: AlertKind[];
  /** Alerts it must never raise. */
  neverRaises: AlertKind[];
  /** What a newcomer should see, and roughly when (with the demo's rules). */
  shows: string;
}

const python = (file: string) => path.join(ROOT, 'examples/python', file);
const node = (file: string) => path.join(ROOT, 'examples/node', file);
const DETECTORS: AlertKind[] = ['leak', 'fragmentation', 'resource-leak', 'gc'];
const except = (...kinds: AlertKind[]) => DETECTORS.filter((k) => !kinds.includes(k));

export const EXAMPLES: Example[] = [
  {
    name: 'py-cache-leak', runtime: 'python', file: python('cache_leak.py'),
    raises: ['leak'], neverRaises: except('leak'),
    shows: 'live memory climbing 60 MB/h; a leak alert after about 11 min',
  },
  {
    name: 'py-cycle-leak', runtime: 'python', file: python('cycle_leak.py'),
    raises: ['gc', 'leak'], neverRaises: except('gc', 'leak'),
    shows: 'gc disabled, generation 0 climbing, memory 60 MB/h; a gc alert after about 9 min, a leak alert after about 11',
  },
  {
    name: 'py-fd-leak', runtime: 'python', file: python('fd_leak.py'),
    raises: ['resource-leak', 'threshold'], neverRaises: except('resource-leak'),
    shows: 'open files climbing 1800/h; the "open fds > 200" threshold after about 7 min, a resource-leak alert after about 11',
  },
  {
    name: 'py-fragmentation', runtime: 'python', file: python('fragmentation.py'),
    raises: ['fragmentation'], neverRaises: except('fragmentation'),
    shows: 'RSS flat at about 200 MB with pymalloc half empty; a fragmentation alert after about 9 min, never a leak',
  },
  {
    name: 'py-healthy', runtime: 'python', file: python('healthy.py'),
    raises: [], neverRaises: DETECTORS,
    shows: 'a 64 MB sawtooth every minute over a flat floor; no alert, ever',
  },
  {
    name: 'node-cache-leak', runtime: 'node', file: node('cache-leak.mjs'),
    raises: ['leak'], neverRaises: except('leak'),
    shows: 'the heap floor after GC climbing 60 MB/h; a leak alert after about 12 min',
  },
  {
    name: 'node-listener-leak', runtime: 'node', file: node('listener-leak.mjs'),
    raises: ['leak'], neverRaises: except('leak'),
    shows: 'listeners piling up on an event bus, the floor climbing 60 MB/h; a leak alert after about 12 min',
  },
  {
    name: 'node-fd-leak', runtime: 'node', file: node('fd-leak.mjs'),
    raises: ['resource-leak', 'threshold'], neverRaises: except('resource-leak'),
    shows: 'sockets climbing 1800 fds/h; the "open fds > 200" threshold after about 6 min, a resource-leak alert after about 11, perhaps later a small leak (each socket keeps a few KB of heap)',
  },
  {
    name: 'node-healthy', runtime: 'node', file: node('healthy.mjs'),
    raises: [], neverRaises: DETECTORS,
    shows: 'a 10-15 MB sawtooth over a flat floor after GC; no alert, ever',
  },
];

/** The command that runs `example` with its agent attached the no-code-change way, and the environment it needs on top of the caller's. */
export function exampleCommand(example: Example): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (example.runtime === 'python') {
    return { command: 'python3', args: ['-m', 'memsight', 'run', '--', 'python3', example.file], env: { PYTHONPATH: PYTHON_AGENT_DIR } };
  }
  // --import resolves from the working directory: run from the repository, where @memsight/agent is a workspace.
  return { command: process.execPath, args: ['--import', '@memsight/agent/register', example.file], env: { NODE_OPTIONS: '' } };
}

/** The repository: where examples run from (the Node agent resolves as a workspace there). */
export const REPO_ROOT = ROOT;
