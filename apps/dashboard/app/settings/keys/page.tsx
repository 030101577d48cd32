'use client';
import { KeyGate } from '../../../components/KeyGate';
import { KeysView } from '../../../components/KeysView';

export default function KeysPage() {
  return <KeyGate>{(apiKey) => <KeysView apiKey={apiKey} />}</KeyGate>;
}
