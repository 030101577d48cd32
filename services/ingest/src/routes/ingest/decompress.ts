// preParsing hook: inflate gzip bodies as a stream, so Fastify's body limit
// counts decompressed bytes and a gzip bomb is cut off at the limit with a
// 413 instead of being inflated into memory.
import { createGunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AppError } from '../../lib/errors';

export async function decompressBody(request: FastifyRequest, _reply: FastifyReply, payload: Readable) {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity') return payload;
  if (encoding !== 'gzip') {
    throw new AppError(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not supported; send gzip or no encoding.`);
  }
  // Larger output chunks: fewer callbacks per body (inflating was a top cost in profiles).
  const gunzip = createGunzip({ chunkSize: 128 * 1024 }) as ReturnType<typeof createGunzip> & { receivedEncodedLength: number };
  // Fastify compares Content-Length against the encoded bytes it was sent.
  gunzip.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (err) => gunzip.destroy(err));
  gunzip.on('error', (err: Error & { statusCode?: number }) => {
    err.statusCode = 400;
  });
  return payload.pipe(gunzip);
}
