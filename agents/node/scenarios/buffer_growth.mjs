// Buffers kept in a map that is never pruned: the memory is outside the JS
// heap (arrayBuffers / external), so heapUsed stays flat while RSS climbs.
const sessions = new Map();
let id = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 4; i++) sessions.set(id++, Buffer.alloc(64 * 1024, 1));
  if (id >= 1200) clearInterval(timer); // 75 MB, however busy the machine
}, 10);
