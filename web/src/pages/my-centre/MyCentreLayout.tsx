/** My Centre: the centre's name, and its Users and Audit log pages. */
import type { ReactNode } from 'react';
import { Link, useRoute } from 'wouter';
import { isProblem } from '../../api/problem';
import { Page } from '../../app/page';
import { ErrorState, LoadingState } from '../../components/states';
import { useCentre } from './centre';

function Tab({ href, children }: { href: string; children: ReactNode }) {
  const [active] = useRoute(`${href}/*?`);
  return (
    <Link href={href} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export default function MyCentreLayout({ children }: { children: ReactNode }) {
  const centre = useCentre();
  if (centre.isPending) return <LoadingState label="Loading the centre" />;
  if (centre.isError && isProblem(centre.error, 'NOT_FOUND'))
    return (
      <Page title="Centre not found">
        <p>There is no centre with this number that you can open. Check the centre number.</p>
        <p>
          <Link href="/">Go to the start page</Link>
        </p>
      </Page>
    );
  if (centre.isError)
    return (
      <Page title="My Centre">
        <ErrorState error={centre.error} retry={() => centre.refetch()} />
      </Page>
    );
  return (
    <div className="my-centre">
      <p className="centre-name">
        <span className="visually-hidden">Centre: </span>
        {centre.data.name} <span className="centre-id">({centre.data.centreId})</span>
      </p>
      <nav aria-label="My Centre" className="tabs">
        <Tab href={`/centres/${centre.data.centreId}/users`}>Users</Tab>
        <Tab href={`/centres/${centre.data.centreId}/audit`}>Audit log</Tab>
      </nav>
      {children}
    </div>
  );
}
