'use client';
import { SessionGate } from '../../components/SessionGate';
import { AlertsView } from '../../components/AlertsView';

export default function AlertsPage() {
  return <SessionGate>{(apiKey) => <AlertsView apiKey={apiKey} />}</SessionGate>;
}
