// What keeps the event loop alive, by type (TCPSocketWrap, FSReqCallback,
// Timeout...): leaked sockets and timers show as a growing count.
export function readActiveResources(info: () => string[] = () => process.getActiveResourcesInfo()): Record<string, number> {
  const out: Record<string, number> = {};
  for (const type of info()) {
    const key = `nodejs.active_resources{type=${type.replace(/[^A-Za-z0-9_.-]/g, '_')}}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
