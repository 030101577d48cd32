'use client';
import { SessionGate } from './SessionGate';
import { AppView } from './AppView';

export function AppPage({ id }: { id: string }) {
  return <SessionGate>{(credential) => <AppView apiKey={credential} appId={id} />}</SessionGate>;
}
