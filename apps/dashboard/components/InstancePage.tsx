'use client';
import { KeyGate } from './KeyGate';
import { InstanceView } from './InstanceView';

export function InstancePage({ id }: { id: string }) {
  return <KeyGate>{(apiKey) => <InstanceView apiKey={apiKey} id={id} />}</KeyGate>;
}
