import { AppPage } from '../../../components/AppPage';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AppPage id={id} />;
}
