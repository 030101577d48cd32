import pg from 'pg';

// BIGINT ids (instances.id) arrive as strings; keep them that way so nothing
// silently loses precision past 2^53.
export function createPool(connectionString: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString, max, application_name: 'memsight' });
}
