import { EarlyFetch, queryOf, type SearchParams } from '../../../components/EarlyFetch';
import { InstancePage } from '../../../components/InstancePage';
import { instanceChains } from '../../../lib/page-calls';

export default async function Page({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params;
  const now = Date.now();
  return (
    <>
      <EarlyFetch chains={instanceChains(id, await queryOf(searchParams), now)} now={now} />
      <InstancePage id={id} />
    </>
  );
}
