// Deploy markers of an app over a time range: the vertical lines on its
// charts. Reached by app or by instance; either must be in the caller's project.
import type pg from 'pg';
import type { DeployList } from '@memsight/contracts';
import { NotFoundError } from '../../lib/errors';
import { resolveTimeRange } from '../../lib/time-range';
import { findScope } from '../../queries/project-scope';
import { listDeployMarkers } from '../../queries/list-deploy-markers';

const MAX_DEPLOYS = 500;

export type DeploysOf = { appId: string } | { instanceId: string };

export async function listDeploys(pool: pg.Pool, projectId: string, of: DeploysOf, range: { from?: string; to?: string }, nowMs: number): Promise<DeployList> {
  const scope = await findScope(pool, projectId, 'appId' in of ? of.appId : null, 'instanceId' in of ? of.instanceId : null);
  if ('appId' in of && !scope.app) throw new NotFoundError(`App ${of.appId} does not exist in this project.`);
  if ('instanceId' in of && !scope.instanceAppId) throw new NotFoundError(`Instance ${of.instanceId} does not exist in this project.`);
  const { fromMs, toMs } = resolveTimeRange(range, nowMs);
  const appId = 'appId' in of ? of.appId : scope.instanceAppId!;
  return { deploys: await listDeployMarkers(pool, appId, fromMs, toMs, MAX_DEPLOYS) };
}
