// `node --import @memsight/agent/register app.js` (or the same in NODE_OPTIONS):
// starts the agent from MEMSIGHT_* variables before the app's own code runs.
import { start } from './index.js';

start();
