'use client';
import { KeyGate } from '../../../components/KeyGate';
import { RulesView } from '../../../components/RulesView';

export default function RulesPage() {
  return <KeyGate>{(apiKey) => <RulesView apiKey={apiKey} />}</KeyGate>;
}
