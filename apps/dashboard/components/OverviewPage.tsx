'use client';
import { SessionGate } from './SessionGate';
import { AppsView } from './AppsView';

export function OverviewPage() {
  return <SessionGate>{(apiKey) => <AppsView apiKey={apiKey} />}</SessionGate>;
}
