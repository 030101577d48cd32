'use client';
import { SessionGate } from '../../../components/SessionGate';
import { KeysView } from '../../../components/KeysView';

export default function KeysPage() {
  return <SessionGate>{(apiKey) => <KeysView apiKey={apiKey} />}</SessionGate>;
}
