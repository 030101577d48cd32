// Parses an ingest body with an error that says what was wrong and where,
// and refuses prototype-poisoning keys (`__proto__`, `constructor.prototype`).
import sjson from 'secure-json-parse';
import { AppError } from '../lib/errors';

/**
 * The wire format nests 6 levels at most (body → snapshots → snapshot →
 * sites → site → traceback). A 10,000-level array in a label once parsed
 * fine, passed the schema and then hung or killed the decode worker when it
 * was cloned back to the main thread; nothing that deep gets past parsing.
 */
export const MAX_JSON_DEPTH = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * The byte offset where the nesting first goes past `maxDepth`, or -1. One
 * pass over the bytes, skipping strings; UTF-8 continuation bytes are never
 * ASCII, so scanning bytes rather than characters is safe.
 */
export function findTooDeep(bytes: Uint8Array, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return i;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
      depth--;
    }
  }
  return -1;
}

export function parseJsonBody(body: Buffer | string): unknown {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') throw new AppError(400, 'invalid_json', 'The body is empty; send a JSON object.');
  const tooDeep = findTooDeep(bytes, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    throw new AppError(
      400,
      'invalid_json',
      `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep (at byte ${tooDeep}); the ingest format needs 6. Label values are plain strings.`,
    );
  }
  try {
    return sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/prototype|constructor/i.test(message)) {
      throw new AppError(400, 'invalid_json', 'The body contains a forbidden "__proto__" or "constructor.prototype" key. Remove it and send again.');
    }
    throw new AppError(
      400,
      'invalid_json',
      `The body is not valid JSON: ${message}. NaN and Infinity are not JSON; send null for a missing value.`,
    );
  }
}
