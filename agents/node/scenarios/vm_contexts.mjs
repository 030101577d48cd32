// A context leak: each "plugin run" evaluates code in a fresh vm context and
// keeps a function from it in a registry. Every kept function keeps its whole
// context (a global object with its builtins) alive. Node never detaches a
// global, so these show as native contexts that only grow.
import vm from 'node:vm';

const registry = [];
let n = 0;
const timer = setInterval(() => {
  const context = vm.createContext({ n: n++ });
  registry.push(vm.runInContext('(function handler() { return n })', context));
  if (n === 150) clearInterval(timer); // bounded by work, so a busy machine shows the same signal
}, 20);
