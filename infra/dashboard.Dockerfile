# syntax=docker/dockerfile:1
# memsight dashboard (Next.js). Next bakes its rewrites in at build time, so
# the address of ingest it proxies /api and /socket.io to is a build argument.
# Build from the repository root:
#   docker build -f infra/dashboard.Dockerfile .
# The base image is pinned to a full version, the one the tests run on. To pin
# its bytes too, append the digest that
#   docker buildx imagetools inspect node:20.20.2-bookworm-slim
# prints: FROM node:20.20.2-bookworm-slim@sha256:<digest>.

# Dependencies from the manifests alone, so this layer is reused until one changes.
# Install scripts need sources (Prisma's generate, the Node agent's build); the dashboard needs neither.
FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/auth/package.json packages/auth/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY services/ingest/package.json services/ingest/
COPY services/alerter/package.json services/alerter/
COPY apps/dashboard/package.json apps/dashboard/
COPY agents/node/package.json agents/node/
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund

# The runtime's node_modules: the same manifests without development packages.
FROM deps AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM deps AS build
ARG INGEST_URL=http://ingest:4100
ENV NEXT_TELEMETRY_DISABLED=1 INGEST_URL=${INGEST_URL}
COPY . .
RUN npm run build -w @memsight/dashboard && rm -rf apps/dashboard/.next/cache

FROM node:20.20.2-bookworm-slim AS runtime
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
# node_modules/@memsight/* link to these; Next compiled most of them into .next, the rest loads from here.
COPY --from=build /app/packages/auth ./packages/auth
COPY --from=build /app/packages/config ./packages/config
COPY --from=build /app/packages/contracts ./packages/contracts
COPY --from=build /app/apps/dashboard/package.json /app/apps/dashboard/next.config.ts ./apps/dashboard/
COPY --from=build /app/apps/dashboard/.next ./apps/dashboard/.next
WORKDIR /app/apps/dashboard
# The files stay root's: the server can read its build but not change it; only
# Next's runtime cache is its own.
RUN mkdir .next/cache && chown node:node .next/cache
EXPOSE 3000
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "../../node_modules/next/dist/bin/next", "start", "-H", "0.0.0.0", "-p", "3000"]
