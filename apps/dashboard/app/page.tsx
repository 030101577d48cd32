'use client';
import { SessionGate } from '../components/SessionGate';
import { AppsView } from '../components/AppsView';

export default function HomePage() {
  return <SessionGate>{(apiKey) => <AppsView apiKey={apiKey} />}</SessionGate>;
}
