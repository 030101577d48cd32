import { IngestBatch, IngestResult, ErrorResponse } from '@memsight/contracts';

export const ingestSchema = {
  summary: 'Accept one batch of samples from an agent',
  description:
    'JSON body, optionally `Content-Encoding: gzip`. The size limit applies after decompression. ' +
    'A retry with the same (instance.id, seq) stores nothing twice. Bad samples are rejected one by one (HTTP 200 with counts and reasons). ' +
    'A batch that would add an app, instance or metric-name list past a per-project cap is refused whole: 422 `cardinality_limit`.',
  tags: ['ingest'],
  body: IngestBatch,
  response: {
    200: IngestResult,
    400: ErrorResponse,
    401: ErrorResponse,
    413: ErrorResponse,
    415: ErrorResponse,
    422: ErrorResponse,
    429: ErrorResponse,
    503: ErrorResponse,
  },
};
