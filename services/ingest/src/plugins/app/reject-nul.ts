// PostgreSQL text cannot hold U+0000, so a NUL in any id, filter or field
// would fail in the database as a 500 (found by routes/fuzz.test.ts: a NUL in
// a channel name, a rule name or a member id). No valid request contains
// one: refuse it up front as a 400 naming where it is. /v1/ingest bodies
// arrive as bytes and are checked by the decoder.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { InvalidError } from '../../lib/errors';

/** The JSON-pointer-like path of the first string (key or value) holding a NUL, or undefined. Iterative: bodies may nest deeply. */
export function findNul(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return at || '/';
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${at}/${key.replaceAll('\u0000', '\\u0000')}`;
        stack.push([child, `${at}/${key}`]);
      }
    }
  }
  return undefined;
}

export async function rejectNul(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [['path', request.params], ['query', request.query], ['body', request.body]] as const) {
    const at = findNul(value);
    if (at !== undefined) {
      throw new InvalidError(`The request ${part} holds a NUL character (U+0000) at ${at}, which cannot be stored; remove it.`, [{ path: at, message: 'must not contain U+0000' }]);
    }
  }
}

export default fp(
  async (app) => {
    app.addHook('preValidation', rejectNul);
  },
  { name: 'reject-nul' },
);
