-- Rollup rows stay uncompressed up to a page (see packages/db/src/partitions.ts):
-- a chart reads each array once per metric, and a compressed array is
-- decompressed on every read. New partitions are created with this setting;
-- here the partitions that exist already get it (rows written from now on).
DO $$
DECLARE part regclass;
BEGIN
  FOR part IN
    SELECT i.inhrelid::regclass FROM pg_inherits i
     WHERE i.inhparent IN ('rollups_1m'::regclass, 'rollups_1h'::regclass)
  LOOP
    EXECUTE format('ALTER TABLE %s SET (toast_tuple_target = 8160)', part);
  END LOOP;
END $$;
