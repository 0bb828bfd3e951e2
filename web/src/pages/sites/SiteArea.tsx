/**
 * A support site's (Primary or Lower Secondary) Teacher and learner management: the
 * Teachers and Learners tabs, a teacher's page with Transfer data, and a learner's results.
 *
 * Who may open it is the API's `site member` rule, checked here first so a refusal is a
 * page in words rather than a failed request: users with the site in their `sites`, the
 * centre's coordinators (when the centre is eligible for the site), and support.
 */
import './sites.css';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Redirect, Route, Switch, useParams } from 'wouter';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { Page } from '../../app/page';
import { ErrorState, LoadingState } from '../../components/states';
import { t } from '../../i18n';
import { useApi, useSession } from '../../session/session';
import { centreQueryKey } from '../my-centre/centre';
import NotFoundPage from '../NotFoundPage';
import LearnerPage from './LearnerPage';
import LearnersTab from './LearnersTab';
import { Refusal } from './parts';
import { isProgressionSite, type ProgressionSite, siteName, teachersPath } from './site';
import TeacherPage from './TeacherPage';
import TeachersTab from './TeachersTab';

const base = '/centres/:centreId/sites/:site';

export default function SiteArea() {
  const { centreId = '', site } = useParams<{ centreId: string; site: string }>();
  if (!isProgressionSite(site))
    return (
      <Refusal title={t.sites.refusal.notASiteTitle}>
        <p>{t.sites.refusal.notASite}</p>
      </Refusal>
    );
  return (
    <SiteAccess centreId={centreId} site={site}>
      <Switch>
        <Route path={`${base}/teachers`} component={TeachersTab} />
        <Route path={`${base}/teachers/:userId`} component={TeacherPage} />
        <Route path={`${base}/learners`} component={LearnersTab} />
        <Route path={`${base}/learners/:learnerId`} component={LearnerPage} />
        <Route path={base}>
          <Redirect to={teachersPath(centreId, site)} replace />
        </Route>
        <Route component={NotFoundPage} />
      </Switch>
    </SiteAccess>
  );
}

function SiteAccess({
  centreId,
  site,
  children,
}: {
  centreId: string;
  site: ProgressionSite;
  children: ReactNode;
}) {
  const { me, isAdministrator, isSupport } = useSession();
  const api = useApi();
  const ownCentre = isSupport || me?.centreId === centreId;
  // Coordinators and support may use every site the centre is eligible for.
  const centre = useQuery({
    queryKey: centreQueryKey(centreId),
    queryFn: async () =>
      unwrap(await api.GET('/centres/{centreId}', { params: { path: { centreId } } })),
    enabled: isAdministrator && ownCentre,
    staleTime: 5 * 60_000,
  });
  const name = siteName(site);

  if (!me) return null;
  if (!ownCentre) return <NotAvailable site={name} />;
  if (!isAdministrator) {
    if (!me.sites.includes(site))
      return (
        <Refusal title={t.sites.refusal.noAccessTitle(name)}>
          <p>{t.sites.refusal.noAccess(name)}</p>
          <p>{t.sites.refusal.askCoordinator}</p>
        </Refusal>
      );
    return children;
  }
  if (centre.isPending) return <LoadingState label={t.sites.loadingSite} />;
  if (centre.isError) {
    if (isProblem(centre.error, 'NOT_FOUND')) return <NotAvailable site={name} />;
    return (
      <Page title={t.sites.heading(name)}>
        <ErrorState error={centre.error} retry={() => centre.refetch()} />
      </Page>
    );
  }
  if (!centre.data.eligibleSites.includes(site)) return <NotAvailable site={name} />;
  return children;
}

function NotAvailable({ site }: { site: string }) {
  return (
    <Refusal title={t.sites.refusal.notEligibleTitle}>
      <p>{t.sites.refusal.notEligible(site)}</p>
    </Refusal>
  );
}
