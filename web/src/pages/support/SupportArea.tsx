/**
 * Customer services' pages, under /support. Support staff belong to no centre:
 * *Administration › My Centre* brings them here, to find any centre (or create one), change
 * it, and find a person across every centre (a coordinator who has lost both their password
 * and their email). A centre's users are then managed on that centre's own My Centre pages,
 * which support may open for any centre.
 *
 * The centres list is this chunk; the other pages (forms with the API's zod schemas) are
 * loaded when opened.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { Link, Route, Switch, useRoute } from 'wouter';
import { Page } from '../../app/page';
import { LoadingState } from '../../components/states';
import { t } from '../../i18n';
import { useSession } from '../../session/session';
import CentresPage from './CentresPage';
import { supportPaths } from './support-data';
import './support.css';

const CreateCentrePage = lazy(() => import('./CreateCentrePage'));
const CentrePage = lazy(() => import('./CentrePage'));
const PeoplePage = lazy(() => import('./PeoplePage'));
const NotFoundPage = lazy(() => import('../NotFoundPage'));

export default function SupportArea() {
  const { isSupport, me } = useSession();
  if (!isSupport)
    return (
      <Page title={t.support.title}>
        <p>{t.support.notForYou}</p>
        {me?.centreId ? (
          <p>
            <Link href={`/centres/${me.centreId}/users`}>{t.support.goToMyCentre}</Link>
          </p>
        ) : null}
      </Page>
    );
  return (
    <div className="support-area">
      <nav aria-label={t.support.nav.label} className="tabs">
        <Tab href={supportPaths.centres} also="/support/centres/*?">
          {t.support.nav.centres}
        </Tab>
        <Tab href={supportPaths.people}>{t.support.nav.people}</Tab>
      </nav>
      <Suspense fallback={<LoadingState label={t.common.loadingPage} />}>
        <Switch>
          <Route path="/support" component={CentresPage} />
          <Route path="/support/centres/new" component={CreateCentrePage} />
          <Route path="/support/centres/:centreId" component={CentrePage} />
          <Route path="/support/people" component={PeoplePage} />
          <Route component={NotFoundPage} />
        </Switch>
      </Suspense>
    </div>
  );
}

function Tab({ href, also, children }: { href: string; also?: string; children: ReactNode }) {
  const [here] = useRoute(href);
  const [under] = useRoute(also ?? href);
  return (
    <Link href={href} aria-current={here || under ? 'page' : undefined}>
      {children}
    </Link>
  );
}
