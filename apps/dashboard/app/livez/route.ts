// Liveness: the process answers. Nothing else is checked, so a database outage
// never gets the dashboard restarted (readyz takes it out of rotation instead).
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
