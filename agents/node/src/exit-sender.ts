// Run as a child process by the agent's `exit` handler: process.exit() gives
// the host no turn of the event loop, so the last batches are handed to this
// short-lived sender, which posts them and ends. Input on stdin: each batch as
// a 4-byte big-endian length and its gzip body. Endpoint and key in argv.
export {}; // a module: top-level await

const [endpoint, apiKey, userAgent] = process.argv.slice(2);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const input = Buffer.concat(chunks);
for (let at = 0; at + 4 <= input.length; ) {
  const length = input.readUInt32BE(at);
  const body = input.subarray(at + 4, at + 4 + length);
  at += 4 + length;
  try {
    const res = await fetch(`${endpoint}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${apiKey}`, 'user-agent': userAgent ?? '' },
      body,
    });
    await res.arrayBuffer();
    if (res.status === 429 || res.status >= 500) break; // ingest is struggling: the rest would fare no better
  } catch {
    break; // unreachable: nothing more to try in the time the host gives us
  }
}
