// Entry of a decode worker thread. Worker threads do not inherit the main
// thread's TypeScript loader (tsx), so register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
