// The dashboard's socket.io connection to the gateway, through its own origin (Next proxies /socket.io).
// Signed in, the handshake carries the session cookie; a key is sent only when one is given, and the
// chosen project (a WebSocket handshake cannot carry the header the API calls use) rides in `auth` too.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SocketAuth } from '@memsight/contracts';
import { currentProjectChoice } from './project';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function openGatewaySocket(apiKey: string): GatewaySocket {
  const project = currentProjectChoice();
  const auth: SocketAuth = { ...(apiKey ? { apiKey } : {}), ...(project ? { project } : {}) };
  return io({ auth, withCredentials: true, transports: ['websocket', 'polling'] });
}
