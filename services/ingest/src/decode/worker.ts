// A decode worker: runs decodeBatch off the main thread and hands the encoded
// rows back without copying them (transferred ArrayBuffers).
import { parentPort } from 'node:worker_threads';
import { decodeBatch, type DecodeRequest, type DecodeResult } from './decode-batch';

parentPort!.on('message', ({ id, req }: { id: number; req: DecodeRequest }) => {
  let result: DecodeResult;
  try {
    result = decodeBatch(req);
  } catch (err) {
    result = { ok: false, error: { status: 500, code: 'internal', message: `decode failed: ${(err as Error).message}` } };
  }
  const transfer = result.ok ? [result.batch.rows.buffer as ArrayBuffer, result.batch.rowOffsets.buffer as ArrayBuffer] : [];
  parentPort!.postMessage({ id, result }, transfer);
});
