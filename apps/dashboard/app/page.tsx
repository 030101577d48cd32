'use client';
import { KeyGate } from '../components/KeyGate';
import { AppsView } from '../components/AppsView';

export default function HomePage() {
  return <KeyGate>{(apiKey) => <AppsView apiKey={apiKey} />}</KeyGate>;
}
