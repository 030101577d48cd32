// Which instances a dashboard watches live, on any ingest replica. Ingest
// builds a live payload only for a watched instance (it costs CPU on every
// batch), but with several replicas the batch and the watching socket are
// often on different ones. Each replica announces its watched set to the
// others (over the socket.io adapter) when it changes and every `everyMs`;
// an announcement not renewed within `ttlMs` is forgotten, so a replica that
// died stops counting by itself.
export interface WatchAnnouncement {
  replica: string;
  ids: string[];
}

export class WatchDirectory {
  private readonly remote = new Map<string, { ids: Set<string>; expiresAt: number }>();

  constructor(private readonly o: { now: () => number; ttlMs: number; localWatches: (instanceId: string) => boolean }) {}

  watches(instanceId: string): boolean {
    if (this.o.localWatches(instanceId)) return true;
    const now = this.o.now();
    for (const [replica, entry] of this.remote) {
      if (entry.expiresAt <= now) this.remote.delete(replica);
      else if (entry.ids.has(instanceId)) return true;
    }
    return false;
  }

  /** Another replica's full watched set, replacing what it said before. */
  receive(message: WatchAnnouncement): void {
    if (typeof message?.replica !== 'string' || !Array.isArray(message.ids)) return;
    if (message.ids.length === 0) this.remote.delete(message.replica);
    else this.remote.set(message.replica, { ids: new Set(message.ids.map(String)), expiresAt: this.o.now() + this.o.ttlMs });
  }
}

const INSTANCE_ROOM = /^instance:(\d+)$/;

/** The instance ids among socket.io room names (`rooms.instance(id)`). */
export function watchedInstanceIds(roomNames: Iterable<string>): string[] {
  const ids: string[] = [];
  for (const name of roomNames) {
    const m = INSTANCE_ROOM.exec(name);
    if (m) ids.push(m[1]!);
  }
  return ids;
}
