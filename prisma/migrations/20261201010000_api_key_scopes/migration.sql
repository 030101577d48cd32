-- What a key may do: an agent key (ingest) only sends samples; read keys read
-- the query API and the live feed; admin keys also change rules, silences,
-- channels and keys. Keys that existed before scopes keep doing everything.
ALTER TABLE "api_keys" ADD COLUMN "scope" TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scope_check" CHECK ("scope" IN ('ingest', 'read', 'admin'));
