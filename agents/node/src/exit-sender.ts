// Run as a child process by the agent's `exit` handler: process.exit() gives
// the host no turn of the event loop, so the last batches are handed to this
// short-lived sender, which posts them with the agent's own transport and
// ends. Input on stdin: each batch as a 4-byte big-endian length and its gzip
// body. Endpoint, key and timeout (ms) in argv.
import { AGENT_NAME, AGENT_VERSION } from './batch.js';
import { HttpTransport } from './transport.js';

const [endpoint, apiKey, timeoutMs] = process.argv.slice(2);
const transport = new HttpTransport(endpoint!, apiKey!, Number(timeoutMs), `${AGENT_NAME}/${AGENT_VERSION}`);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const input = Buffer.concat(chunks);
for (let at = 0; at + 4 <= input.length; ) {
  const length = input.readUInt32BE(at);
  const body = input.subarray(at + 4, at + 4 + length);
  at += 4 + length;
  try {
    const res = await transport.post(body, true);
    if (res.status === 429 || res.status >= 500) break; // ingest is struggling: the rest would fare no better
  } catch {
    break; // unreachable: nothing more to try in the time the host gives us
  }
}
