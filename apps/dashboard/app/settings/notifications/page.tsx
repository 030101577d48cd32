'use client';
import { SessionGate } from '../../../components/SessionGate';
import { NotificationsView } from '../../../components/NotificationsView';

export default function NotificationsPage() {
  return <SessionGate>{(credential) => <NotificationsView apiKey={credential} />}</SessionGate>;
}
