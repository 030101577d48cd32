import { EarlyFetch, queryOf, type SearchParams } from '../../components/EarlyFetch';
import { AlertsPage } from '../../components/AlertsPage';
import { alertsChains } from '../../lib/page-calls';

export default async function Page({ searchParams }: { searchParams: SearchParams }) {
  return (
    <>
      <EarlyFetch chains={alertsChains(await queryOf(searchParams))} now={Date.now()} />
      <AlertsPage />
    </>
  );
}
