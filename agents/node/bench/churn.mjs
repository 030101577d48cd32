// One churning host for overhead.ts: every cycle it builds an array of small
// objects (about `tableMb` MB), drops it, and idles for the rest of the cycle.
// Its RSS floor is the lowest RSS seen after the drop, each cycle; without an
// agent it stays flat, so whatever it gains is the agent's doing (issue 14).
// argv: mode (bare | memsight), cycle seconds, cycles, table MB, endpoint,
// agent interval. Prints one JSON line: the floor of each cycle, in bytes.
const [mode, cycleS, cyclesArg, tableMbArg, endpoint, intervalS] = process.argv.slice(2);
const cycleMs = Number(cycleS) * 1000;
const rss = () => process.memoryUsage.rss();
const ROW_BYTES = 64; // a 3-field object, its string, its double and the array's slot, with pointer compression

if (mode === 'memsight') {
  const { start } = await import('@memsight/agent');
  start({ endpoint, apiKey: 'msk_bench', app: 'bench-churn', interval: Number(intervalS) });
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssStart = rss();
const floors = [];
const peaks = [];
for (let c = 0; c < Number(cyclesArg); c++) {
  const began = performance.now();
  let table = [];
  for (let i = 0; i < (Number(tableMbArg) * 2 ** 20) / ROW_BYTES; i++) table.push({ id: i, name: `item-${i}`, score: i * 0.5 });
  peaks.push(rss());
  table = undefined;
  let floor = rss();
  while (performance.now() - began < cycleMs) {
    await sleep(50);
    floor = Math.min(floor, rss());
  }
  floors.push(floor);
}
console.log(JSON.stringify({ mode, rssStart, floors, peaks }));
process.exit(0);
