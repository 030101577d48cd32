# memsight alerter: detectors, alert lifecycle, email outbox.
# Build from the repository root: docker build -f infra/alerter.Dockerfile .
FROM node:20.19-bookworm-slim
ENV PRISMA_HIDE_UPDATE_MESSAGE=1
# The email charts are drawn with the system sans font; the slim image has none.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm cache clean --force
WORKDIR /app/services/alerter
ENV ALERTER_HOST=0.0.0.0 ALERTER_PORT=4200
EXPOSE 4200
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4200/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/server.ts"]
