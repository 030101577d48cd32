// A healthy service with a big GC sawtooth: a fixed working set, and every
// request builds a large temporary result it then drops. The heap climbs
// and falls by tens of megabytes, but its floor after each major GC is flat.
const workingSet = Array.from({ length: 100_000 }, (_, i) => ({ i, name: `item-${i}` }));

function handle() {
  const report = new Array(500_000);
  for (let i = 0; i < report.length; i++) report[i] = { i, v: workingSet[i % workingSet.length].i };
  return report.length;
}

const timer = setInterval(handle, 20);
setTimeout(() => clearInterval(timer), Number(process.env.SCENARIO_SECONDS ?? 6) * 1000);
