// Allocation sites from V8's sampling heap profiler (opt-in): live sampled
// bytes by the function that allocated them, and their growth since the last
// snapshot. V8 attributes a sample to a function, not a line, so a site is
// where that function is defined; its call path is the traceback.
import type { Session } from 'node:inspector';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { callFrame: CallFrame; selfSize: number; children: ProfileNode[] }

export interface Site { site: string; sizeBytes: number; count: number; growthBytes?: number; traceback?: string[] }

const frameName = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\//, '')}:${f.lineNumber + 1}`;

/** Sums a profile tree into sites (url:line of the allocating function), with one representative call path each. */
export function aggregateProfile(head: ProfileNode, samplingInterval: number): Map<string, Site> {
  const sites = new Map<string, Site>();
  const walk = (node: ProfileNode, path: CallFrame[]) => {
    const here = [...path, node.callFrame];
    const f = node.callFrame;
    if (node.selfSize > 0 && f.url) {
      const key = `${f.url.replace(/^file:\/\//, '')}:${f.lineNumber + 1}`;
      const site = sites.get(key) ?? { site: key, sizeBytes: 0, count: 0, traceback: here.slice(-8).reverse().map(frameName) };
      site.sizeBytes += node.selfSize;
      // Each sample stands for about one sampling interval of allocation.
      site.count += Math.max(1, Math.round(node.selfSize / samplingInterval));
      sites.set(key, site);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  return sites;
}

export class HeapSampler {
  private session: Session | undefined;
  private previous = new Map<string, number>();

  constructor(private readonly samplingInterval: number) {}

  async start(): Promise<void> {
    const { Session } = await import('node:inspector');
    this.session = new Session();
    this.session.connect();
    await this.post('HeapProfiler.enable');
    await this.post('HeapProfiler.startSampling', { samplingInterval: this.samplingInterval });
  }

  stop(): void {
    try {
      this.session?.post('HeapProfiler.stopSampling');
      this.session?.disconnect();
    } catch {
      // already gone at exit
    }
    this.session = undefined;
  }

  /** The top sites by live sampled size, with growth since the previous call. */
  async take(top = 20): Promise<Site[]> {
    const { profile } = (await this.post('HeapProfiler.getSamplingProfile')) as { profile: { head: ProfileNode } };
    const sites = [...aggregateProfile(profile.head, this.samplingInterval).values()];
    const seen = new Map(sites.map((s) => [s.site, s.sizeBytes]));
    for (const s of sites) if (this.previous.size) s.growthBytes = s.sizeBytes - (this.previous.get(s.site) ?? 0);
    this.previous = seen;
    // The largest, plus the fastest growing: a small leak is a site that grows, not one that is big yet.
    const bySize = [...sites].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, top);
    const byGrowth = [...sites].filter((s) => (s.growthBytes ?? 0) > 0).sort((a, b) => b.growthBytes! - a.growthBytes!).slice(0, top);
    return [...new Map([...bySize, ...byGrowth].map((s) => [s.site, s])).values()];
  }

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.session) return reject(new Error('the heap profiler is not running'));
      this.session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }
}
