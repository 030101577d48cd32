// The dashboard's socket.io connection to the gateway, through its own origin (Next proxies /socket.io).
// Signed in, the handshake carries the session cookie; a key is sent only when one is given.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@memsight/contracts';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function openGatewaySocket(apiKey: string): GatewaySocket {
  return io({ ...(apiKey ? { auth: { apiKey } } : {}), withCredentials: true, transports: ['websocket', 'polling'] });
}
