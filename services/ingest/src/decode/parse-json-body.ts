// Parses an ingest body with an error that says what was wrong and where,
// and refuses prototype-poisoning keys (`__proto__`, `constructor.prototype`).
import sjson from 'secure-json-parse';
import { AppError } from '../lib/errors';

export function parseJsonBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') throw new AppError(400, 'invalid_json', 'The body is empty; send a JSON object.');
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
