// A file-descriptor leak: each job opens a log file and never closes it.
import { openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const file = path.join(tmpdir(), `memsight-fd-leak-${process.pid}.log`);
const timer = setInterval(() => {
  for (let i = 0; i < 5; i++) openSync(file, 'a'); // never closed
}, 10);
setTimeout(() => clearInterval(timer), Number(process.env.SCENARIO_SECONDS ?? 3) * 1000);
