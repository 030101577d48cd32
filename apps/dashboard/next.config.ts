// The browser talks to one origin: the dashboard proxies the query API and the
// socket.io gateway to ingest. Rules sit in `fallback` so they never shadow
// the dashboard's own routes, and trailing-slash redirects are off because
// socket.io's `/socket.io/` path must reach ingest untouched.
import type { NextConfig } from 'next';
import { SECURITY_HEADERS } from './lib/security-headers';

const INGEST_URL = process.env.INGEST_URL ?? 'http://127.0.0.1:4100';

const config: NextConfig = {
  skipTrailingSlashRedirect: true,
  transpilePackages: ['@memsight/contracts', '@memsight/auth', '@memsight/config'],
  // pg's optional native binding must not be bundled; Better Auth runs in the route handler on Node.
  serverExternalPackages: ['pg'],
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
  async rewrites() {
    return {
      beforeFiles: [],
      afterFiles: [],
      fallback: [
        { source: '/api/:path*', destination: `${INGEST_URL}/api/:path*` },
        { source: '/socket.io/', destination: `${INGEST_URL}/socket.io/` },
        { source: '/socket.io/:path*', destination: `${INGEST_URL}/socket.io/:path*` },
      ],
    };
  },
};

export default config;
