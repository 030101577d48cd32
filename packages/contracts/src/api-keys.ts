// API keys and what each may do. An agent key (ingest) is the one every
// monitored service holds, so it can only send samples: a leaked agent key
// reads nothing. Read keys serve scripts and dashboards; admin keys also
// change rules, silences, channels and keys.
import { Type, type Static } from 'typebox';

export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const ApiKeyScopeSchema = Type.Enum(API_KEY_SCOPES);

/** What each scope grants: admin includes the others. */
export const SCOPE_GRANTS: Record<ApiKeyScope, readonly ApiKeyScope[]> = { ingest: ['ingest'], read: ['read'], admin: ['ingest', 'read', 'admin'] };

const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scope: ApiKeyScopeSchema,
  prefix: Type.String({ description: 'The first 12 characters: enough to tell keys apart, useless to an attacker.' }),
  createdAt: IsoTime,
  lastUsedAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
});
export type ApiKey = Static<typeof ApiKey>;
export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKey) }, { $id: 'ApiKeyList' });
export type ApiKeyList = Static<typeof ApiKeyList>;

export const CreateApiKey = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), scope: ApiKeyScopeSchema },
  { additionalProperties: false, $id: 'CreateApiKey' },
);
export type CreateApiKey = Static<typeof CreateApiKey>;

export const CreatedApiKey = Type.Object(
  { key: ApiKey, secret: Type.String({ description: 'Shown once: only its hash is stored.' }) },
  { $id: 'CreatedApiKey' },
);
export type CreatedApiKey = Static<typeof CreatedApiKey>;
