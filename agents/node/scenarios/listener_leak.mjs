// A listener leak: every "request" subscribes a closure to a long-lived
// emitter and never unsubscribes. Each closure keeps its request's parsed
// body alive, so the heap's floor after GC climbs with traffic.
import { EventEmitter } from 'node:events';

const bus = new EventEmitter();
bus.setMaxListeners(0); // the warning that would have caught it, silenced as so many apps do

// A bounded cache of recent responses: it churns, so old space fills with
// garbage and major collections run as they do in a long-lived service.
const recent = new Array(500);

function onRequest(id) {
  const body = Array.from({ length: 500 }, (_, i) => ({ id, i })); // LEAK-SITE (V8 names the arrow function that allocates)
  bus.on('config-changed', () => body.length);
  recent[id % recent.length] = Array.from({ length: 500 }, (_, i) => ({ i, id, at: Date.now() }));
}

let id = 0;
const timer = setInterval(() => {
  for (let n = 0; n < 20; n++) onRequest(id++);
  if (id >= 12_000) clearInterval(timer); // bounded by requests, so a busy machine shows the same leak
}, 10);
