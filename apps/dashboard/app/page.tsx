import { EarlyFetch } from '../components/EarlyFetch';
import { OverviewPage } from '../components/OverviewPage';
import { overviewChains } from '../lib/page-calls';

export default function HomePage() {
  return (
    <>
      <EarlyFetch chains={overviewChains()} now={Date.now()} />
      <OverviewPage />
    </>
  );
}
