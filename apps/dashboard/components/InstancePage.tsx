'use client';
import { SessionGate } from './SessionGate';
import { InstanceView } from './InstanceView';

export function InstancePage({ id }: { id: string }) {
  return <SessionGate>{(apiKey) => <InstanceView apiKey={apiKey} id={id} />}</SessionGate>;
}
