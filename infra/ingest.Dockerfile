# syntax=docker/dockerfile:1
# memsight ingest: agent ingest API, query API and socket.io gateway. The same
# image runs the one-shot migrations: `node dist/migrate.js` (compose's
# `migrate` service). Build from the repository root:
#   docker build -f infra/ingest.Dockerfile .
# The base image is pinned to a full version, the one the tests run on. To pin
# its bytes too, append the digest that
#   docker buildx imagetools inspect node:20.20.2-bookworm-slim
# prints: FROM node:20.20.2-bookworm-slim@sha256:<digest>.

# Dependencies from the manifests alone, so this layer is reused until one changes.
# Install scripts need sources (Prisma's generate, the Node agent's build): the build stage runs what it needs.
FROM node:20.20.2-bookworm-slim AS deps
ENV PRISMA_HIDE_UPDATE_MESSAGE=1
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

# Compile to JavaScript, then lay out dist/ with only the packages it imports (scripts/stage-service.ts).
FROM deps AS build
COPY . .
RUN npm run generate -w @memsight/db \
 && npm run build -w @memsight/ingest \
 && node --import tsx scripts/stage-service.ts ingest /stage

FROM node:20.20.2-bookworm-slim AS runtime
COPY --from=build /stage /app
WORKDIR /app/services/ingest
# Stack traces name the TypeScript source lines (the bundles carry source maps).
ENV NODE_OPTIONS=--enable-source-maps INGEST_HOST=0.0.0.0 INGEST_PORT=4100
EXPOSE 4100
# The files stay root's: the service can read its code but not change it.
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4100/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One V8 platform thread: the decode workers' garbage (parsing a 9.5 MB body
# makes about 100 MB of objects) is marked and swept on those threads, which
# run at normal priority whatever the workers' nice; four of them took a third
# of 2 cores in a flood and the event loop waited (npm run bench:isolation).
CMD ["node", "--v8-pool-size=1", "dist/server.js"]
