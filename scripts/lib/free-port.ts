import { createServer } from 'node:net';

// The kernel may hand the same port to two binds in a row once the first is
// closed: a stack given four ports got the same one for PostgreSQL and the
// alerter (EADDRINUSE in CI). So no port is handed out twice by one process;
// another process may still take one before it is bound, which is rare.
const handedOut = new Set<number>();
const MAX_TRIES = 50;

/** A TCP port that was free a moment ago on 127.0.0.1, and not handed out before by this process. */
export async function freePort(): Promise<number> {
  for (let tries = 1; ; tries++) {
    const port = await unusedPort();
    if (!handedOut.has(port) || tries >= MAX_TRIES) {
      handedOut.add(port);
      return port;
    }
  }
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
