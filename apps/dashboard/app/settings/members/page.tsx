'use client';
import { SessionGate } from '../../../components/SessionGate';
import { MembersView } from '../../../components/MembersView';

export default function MembersPage() {
  return <SessionGate>{(apiKey) => <MembersView apiKey={apiKey} />}</SessionGate>;
}
