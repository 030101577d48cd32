import { AppPage } from '../../../components/AppPage';
import { EarlyFetch, queryOf, type SearchParams } from '../../../components/EarlyFetch';
import { appChains } from '../../../lib/page-calls';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params;
  const now = Date.now();
  return (
    <>
      <EarlyFetch chains={appChains(id, await queryOf(searchParams), now)} now={now} />
      <AppPage id={id} />
    </>
  );
}
