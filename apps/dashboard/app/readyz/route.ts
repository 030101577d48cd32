// Readiness: the dashboard can sign people in (lib/readiness.ts).
import { readinessCheck } from '../../lib/readiness';
import { serverPool } from '../../lib/server-auth';

export const dynamic = 'force-dynamic';

const ready = readinessCheck(serverPool);

export async function GET(): Promise<Response> {
  const { status, body } = await ready();
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...(status === 503 ? { 'retry-after': '5' } : {}) } });
}
