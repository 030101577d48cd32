// A healthy service with a big GC sawtooth: each request's response is kept
// in a bounded cache of recent responses for a while, then replaced. Old
// responses outlive the young generation, so dead ones pile up in old space
// until a major collection clears them: the heap climbs and falls by tens of
// megabytes, while its floor after each major GC (the live cache) is flat.
const recent = new Array(3000);

function handle(id) {
  recent[id % recent.length] = Array.from({ length: 100 }, (_, i) => ({ id, i, at: id * 1.5 }));
}

let id = 0;
const timer = setInterval(() => {
  for (let n = 0; n < 50; n++) handle(id++);
  if (id >= 60_000) clearInterval(timer); // bounded by requests, however busy the machine
}, 5);
