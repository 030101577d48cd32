import { Type } from 'typebox';
import { ApiKey, ApiKeyList, CreateApiKey, CreatedApiKey, ErrorResponse } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const listKeysSchema = {
  tags: ['keys'],
  summary: "The project's API keys, by prefix (their secrets are never shown again)",
  response: { 200: ApiKeyList, ...errors },
};
export const createKeySchema = {
  tags: ['keys'],
  summary: 'Create a key: ingest (agents), read (scripts, dashboards) or admin; its secret is in this answer only',
  body: CreateApiKey,
  response: { 201: CreatedApiKey, ...errors },
};
export const revokeKeySchema = {
  tags: ['keys'],
  summary: 'Revoke a key: its requests are refused from now on',
  params: Type.Object({ keyId: Type.String({ format: 'uuid' }) }),
  response: { 200: ApiKey, ...errors },
};
