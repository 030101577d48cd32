'use client';
import { SessionGate } from './SessionGate';
import { AlertsView } from './AlertsView';

export function AlertsPage() {
  return <SessionGate>{(apiKey) => <AlertsView apiKey={apiKey} />}</SessionGate>;
}
