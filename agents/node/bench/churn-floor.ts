// The churn workload of `npm run bench:node-agent` (issue 14): a host whose
// heap churns (an array of ~100 MB of small objects built and dropped every
// cycle), bare and with the agent side by side. The agent must not raise the
// host's RSS floor, the lowest RSS after each drop, by more than 2 MB.
// MEMSIGHT_BENCH_CHURN_CYCLE (s, default 10), _CYCLES (18), _MB (100),
// _INTERVAL (the agent's, default 10). Run alone: tsx agents/node/bench/churn-floor.ts
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const MB = 2 ** 20;

interface ChurnRun { floors: number[]; peaks: number[] }

/** The last three cycles' median: one late page-in must not decide it. */
const settled = (floors: number[]) => [...floors.slice(-3)].sort((a, b) => a - b)[Math.floor(Math.min(3, floors.length) / 2)]!;

export async function churnFloor(endpoint: string): Promise<string[]> {
  const env = process.env;
  const cycle = Number(env.MEMSIGHT_BENCH_CHURN_CYCLE ?? 10);
  const cycles = Number(env.MEMSIGHT_BENCH_CHURN_CYCLES ?? 18);
  const tableMb = Number(env.MEMSIGHT_BENCH_CHURN_MB ?? 100);
  const interval = Number(env.MEMSIGHT_BENCH_CHURN_INTERVAL ?? 10);
  process.stderr.write(`bench | churn: ${tableMb} MB of small objects built and dropped every ${cycle}s, ${cycles} cycles, bare and memsight side by side…\n`);
  const args = [String(cycle), String(cycles), String(tableMb), endpoint, String(interval)];
  const run = async (mode: string) => {
    const { stdout } = await exec(process.execPath, [path.join(import.meta.dirname, 'churn.mjs'), mode, ...args], {
      cwd: import.meta.dirname, env: { ...env, NODE_OPTIONS: '' }, timeout: (cycle * cycles * 3 + 120) * 1000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChurnRun;
  };
  const [bare, memsight] = await Promise.all([run('bare'), run('memsight')]);
  const lines = [`\nchurn: ${tableMb} MB of small objects built and dropped every ${cycle}s for ${cycles} cycles, agent interval ${interval}s`];
  for (const [name, r] of [['bare', bare], ['memsight', memsight]] as const) {
    lines.push(`  ${name.padEnd(9)} RSS floor first cycle ${(r.floors[0]! / MB).toFixed(1).padStart(7)} MB, settled ${(settled(r.floors) / MB).toFixed(1).padStart(7)} MB, growth ${((settled(r.floors) - r.floors[0]!) / MB).toFixed(1).padStart(6)} MB`);
  }
  const added = (settled(memsight.floors) - settled(bare.floors)) / MB;
  const first = (memsight.floors[0]! - bare.floors[0]!) / MB;
  lines.push(`  the agent adds ${added.toFixed(1)} MB to the settled floor (${first.toFixed(1)} MB after the first cycle); goal: at most 2 MB`);
  return lines;
}

if (process.argv[1] === import.meta.filename) {
  const sink = createServer((req, res) => req.resume().on('end', () => res.end('{"accepted":1}')));
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const lines = await churnFloor(`http://127.0.0.1:${(sink.address() as AddressInfo).port}`);
  sink.close();
  for (const line of lines) console.log(line);
}
