// The dashboard's socket.io connection to the gateway, through its own origin (Next proxies /socket.io).
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@memsight/contracts';

export type GatewaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function openGatewaySocket(apiKey: string): GatewaySocket {
  return io({ auth: { apiKey }, transports: ['websocket', 'polling'] });
}
