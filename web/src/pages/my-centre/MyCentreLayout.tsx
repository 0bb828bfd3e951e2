/** My Centre: the centre's name, and its Users and Audit log pages. */
import type { ReactNode } from 'react';
import { Link, useRoute } from 'wouter';
import { isProblem } from '../../api/problem';
import { Page } from '../../app/page';
import { ErrorState, LoadingState } from '../../components/states';
import { t } from '../../i18n';
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
  const words = t.common.centreFrame;
  if (centre.isPending) return <LoadingState label={words.loading} />;
  if (centre.isError && isProblem(centre.error, 'NOT_FOUND'))
    return (
      <Page title={words.notFoundTitle}>
        <p>{words.notFound}</p>
        <p>
          <Link href="/">{t.common.goToStart}</Link>
        </p>
      </Page>
    );
  if (centre.isError)
    return (
      <Page title={words.title}>
        <ErrorState error={centre.error} retry={() => centre.refetch()} />
      </Page>
    );
  return (
    <div className="my-centre">
      <p className="centre-name">
        <span className="visually-hidden">{words.centre}</span>
        {centre.data.name} <span className="centre-id">({centre.data.centreId})</span>
      </p>
      <nav aria-label={words.tabs} className="tabs">
        <Tab href={`/centres/${centre.data.centreId}/users`}>{words.users}</Tab>
        <Tab href={`/centres/${centre.data.centreId}/audit`}>{words.auditLog}</Tab>
      </nav>
      {children}
    </div>
  );
}
