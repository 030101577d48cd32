// Better Auth's endpoints (sign-in, sign-out, session) on the dashboard's origin.
import { toNextJsHandler } from 'better-auth/next-js';
import { serverAuth } from '../../../../lib/server-auth';

export const dynamic = 'force-dynamic';

const handler = () => toNextJsHandler(serverAuth());
export const GET = (request: Request) => handler().GET(request);
export const POST = (request: Request) => handler().POST(request);
