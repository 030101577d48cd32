# memsight ingest: agent ingest API, query API and socket.io gateway.
# Build from the repository root: docker build -f infra/ingest.Dockerfile .
FROM node:20.19-bookworm-slim
ENV NEXT_TELEMETRY_DISABLED=1 PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm cache clean --force
WORKDIR /app/services/ingest
ENV INGEST_HOST=0.0.0.0 INGEST_PORT=4100
EXPOSE 4100
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4100/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/server.ts"]
