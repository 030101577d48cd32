// A file-descriptor leak: each job opens a log file and never closes it.
import { openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const file = path.join(tmpdir(), `memsight-fd-leak-${process.pid}.log`);
let opened = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 5; i++) openSync(file, 'a'); // never closed
  if ((opened += 5) >= 600) clearInterval(timer);
}, 10);
