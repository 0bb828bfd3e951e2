/**
 * /profile, the guide's "View profile": who the user is and what they may use, read-only for
 * now (changing name, email, password and picture come with the full profile).
 */
import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../api/client';
import { Page } from '../app/page';
import { ErrorState, LoadingState } from '../components/states';
import { meQueryKey, useApi } from '../session/session';
import { siteNames } from './my-centre/centre';

export default function ProfilePage() {
  const api = useApi();
  // A coordinator may have changed the user's rights since sign-in: ask again on every visit.
  const me = useQuery({
    queryKey: meQueryKey,
    queryFn: async () => unwrap(await api.GET('/me')),
    refetchOnMount: 'always',
  });

  return (
    <div className="profile-page">
      <Page title="Your profile">
        {me.data ? (
          <div className="panel">
            <dl className="details">
              <dt>Name</dt>
              <dd>{me.data.name}</dd>
              <dt>Email</dt>
              <dd>{me.data.email}</dd>
              {me.data.centreId ? (
                <>
                  <dt>Centre</dt>
                  <dd>{me.data.centreId}</dd>
                </>
              ) : null}
              <dt>Admin rights</dt>
              <dd>
                {!me.data.centreId
                  ? 'Customer services'
                  : me.data.isAdmin
                    ? 'Yes, School Coordinator'
                    : 'No'}
              </dd>
              <dt>Sites</dt>
              <dd>
                {me.data.sites.length > 0 ? (
                  <ul className="plain-list">
                    {me.data.sites.map((site) => (
                      <li key={site}>{siteNames[site] ?? site}</li>
                    ))}
                  </ul>
                ) : (
                  'No support sites'
                )}
              </dd>
            </dl>
          </div>
        ) : me.error ? (
          <ErrorState error={me.error} retry={() => void me.refetch()} />
        ) : (
          <LoadingState label="Loading your profile" />
        )}
        <p>
          If you need to change your access rights to Cambridge support sites you will need to
          contact your School Coordinator.
        </p>
      </Page>
    </div>
  );
}
