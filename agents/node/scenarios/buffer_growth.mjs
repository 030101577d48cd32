// Buffers kept in a map that is never pruned: the memory is outside the JS
// heap (arrayBuffers / external), so heapUsed stays flat while RSS climbs.
const sessions = new Map();
let id = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 4; i++) sessions.set(id++, Buffer.alloc(64 * 1024, 1));
}, 10);
setTimeout(() => clearInterval(timer), Number(process.env.SCENARIO_SECONDS ?? 3) * 1000);
