'use client';
import { SessionGate } from '../../../components/SessionGate';
import { RulesView } from '../../../components/RulesView';

export default function RulesPage() {
  return <SessionGate>{(apiKey) => <RulesView apiKey={apiKey} />}</SessionGate>;
}
