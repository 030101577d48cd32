// bench:history's fleet: a project with an app per ten instances, and
// instances 1…N (the ids the generated samples carry), last seen at the end
// of the loaded range, as a running fleet would be.
import type pg from 'pg';

export async function createFleet(pool: pg.Pool, instances: number, startMs: number, endMs: number): Promise<string> {
  const { rows: [project] } = await pool.query<{ id: string }>(`INSERT INTO projects (id, name, slug) VALUES (gen_random_uuid(), 'bench', 'bench') RETURNING id`);
  await pool.query(
    `INSERT INTO apps (id, project_id, name) SELECT gen_random_uuid(), $1, 'bench-app-' || a FROM generate_series(0, ($2 - 1) / 10) a`,
    [project!.id, instances],
  );
  await pool.query(
    `INSERT INTO instances (id, project_id, app_id, agent_instance_id, host, pid, runtime, runtime_version, agent_name, agent_version, started_at, first_seen_at, last_seen_at)
     SELECT i, $1, (SELECT id FROM apps WHERE project_id = $1 AND name = 'bench-app-' || ((i - 1) / 10)), 'bench-' || i, 'host-' || (i % 50), 1000 + i,
            'cpython', '3.11.7', 'memsight-bench', '0.0.0', to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0)
       FROM generate_series(1, $2) i`,
    [project!.id, instances, startMs, endMs],
  );
  await pool.query(`SELECT setval(pg_get_serial_sequence('instances', 'id'), $1)`, [instances]);
  return project!.id;
}
