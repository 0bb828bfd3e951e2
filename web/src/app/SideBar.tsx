/**
 * The left-hand side bar: for each support site the user may use (and, for coordinators,
 * each site their centre is eligible for), a `Teacher and learner management` entry.
 * Support staff have no centre: they see the entries of the centre they have opened.
 */
import './side-bar.css';
import { useQuery } from '@tanstack/react-query';
import { Link, useRoute } from 'wouter';
import { unwrap } from '../api/client';
import { t } from '../i18n';
import { centreQueryKey } from '../pages/my-centre/centre';
import { useApi, useSession } from '../session/session';

const progressionSites = ['primary', 'lower-secondary'] as const;
type ProgressionSite = (typeof progressionSites)[number];

export function SideBar() {
  const { me, isAdministrator, isSupport } = useSession();
  const api = useApi();
  const [inCentre, centreParams] = useRoute<{ centreId: string }>('/centres/:centreId/*?');
  const [onSite, siteParams] = useRoute<{ centreId: string; site: string }>(
    '/centres/:centreId/sites/:site/*?',
  );
  // Support staff work inside the centre they opened; everyone else in their own.
  const centreId = isSupport ? (inCentre ? centreParams.centreId : undefined) : me?.centreId;
  const centre = useQuery({
    queryKey: centreQueryKey(centreId ?? ''),
    queryFn: async () =>
      unwrap(
        await api.GET('/centres/{centreId}', { params: { path: { centreId: centreId ?? '' } } }),
      ),
    enabled: Boolean(isAdministrator && centreId),
    staleTime: 5 * 60_000,
  });
  if (!me || !centreId) return null;

  const allowed: readonly string[] = isAdministrator
    ? (centre.data?.eligibleSites ?? [])
    : me.sites;
  const sites = progressionSites.filter((site) => allowed.includes(site));
  if (sites.length === 0) return null;

  return (
    <div className="side-bar">
      {sites.map((site) => (
        <SiteEntry
          key={site}
          site={site}
          href={`/centres/${centreId}/sites/${site}/teachers`}
          current={onSite && siteParams.centreId === centreId && siteParams.site === site}
        />
      ))}
    </div>
  );
}

function SiteEntry({
  site,
  href,
  current,
}: {
  site: ProgressionSite;
  href: string;
  current: boolean;
}) {
  const name = t.common.sites[site];
  const headingId = `side-bar-${site}`;
  return (
    <nav className="side-bar-site" aria-labelledby={headingId}>
      <p className="side-bar-name" id={headingId}>
        {name}
      </p>
      <ul>
        <li>
          <Link href={href} aria-current={current ? 'page' : undefined}>
            {t.sites.management}
            <span className="visually-hidden">{t.sites.sideBar.linkSuffix(name)}</span>
          </Link>
        </li>
      </ul>
    </nav>
  );
}
