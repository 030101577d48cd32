'use client';
import { KeyGate } from '../../components/KeyGate';
import { AlertsView } from '../../components/AlertsView';

export default function AlertsPage() {
  return <KeyGate>{(apiKey) => <AlertsView apiKey={apiKey} />}</KeyGate>;
}
