import { InstancePage } from '../../../components/InstancePage';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstancePage id={id} />;
}
