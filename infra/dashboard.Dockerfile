# memsight dashboard (Next.js). Next bakes its rewrites in at build time, so
# the address of ingest it proxies /api and /socket.io to is a build argument.
# Build from the repository root: docker build -f infra/dashboard.Dockerfile .
FROM node:20.19-bookworm-slim AS build
ARG INGEST_URL=http://ingest:4100
ENV NEXT_TELEMETRY_DISABLED=1 PRISMA_HIDE_UPDATE_MESSAGE=1 INGEST_URL=${INGEST_URL}
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build -w @memsight/dashboard

FROM node:20.19-bookworm-slim
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /app /app
WORKDIR /app/apps/dashboard
EXPOSE 3000
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "../../node_modules/next/dist/bin/next", "start", "-H", "0.0.0.0", "-p", "3000"]
