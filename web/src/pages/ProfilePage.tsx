/**
 * /profile, the guide's "View profile" (the user icon menu, top right). From here the user
 * can change their name, change their email, reset their password and change their profile
 * picture; their sites and admin rights are shown but changed only by their School
 * Coordinator.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { unwrap } from '../api/client';
import { Avatar, myPicturePath } from '../app/Avatar';
import { Page } from '../app/page';
import { ErrorState, LoadingState } from '../components/states';
import { t } from '../i18n';
import { meQueryKey, type User, useApi } from '../session/session';
import { siteNames } from './my-centre/centre';
import { DetailsSection } from './profile/DetailsSection';
import type { Feedback } from './profile/feedback';
import { PasswordSection } from './profile/PasswordSection';
import { PictureSection } from './profile/PictureSection';
import { TwoStepSection } from './profile/TwoStepSection';
import './profile/profile.css';

const words = t.profile;

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
      <Page title={words.title}>
        {me.data ? (
          <ProfileSections me={me.data} />
        ) : me.error ? (
          <ErrorState error={me.error} retry={() => void me.refetch()} />
        ) : (
          <LoadingState label={words.loading} />
        )}
      </Page>
    </div>
  );
}

function ProfileSections({ me }: { me: User }) {
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const shared = { me, feedback, setFeedback };
  return (
    <>
      <AccountSummary me={me} />
      {/* Keyed by user: nothing typed for one account is offered to another. */}
      <DetailsSection key={`details-${me.userId}`} {...shared} />
      <PictureSection key={`picture-${me.userId}`} {...shared} />
      <PasswordSection key={`password-${me.userId}`} {...shared} />
      <TwoStepSection key={`two-step-${me.userId}`} {...shared} />
    </>
  );
}

/** Who the user is and what they may use, as it stands; access rights are read-only here. */
function AccountSummary({ me }: { me: User }) {
  const account = words.account;
  return (
    <section className="panel" aria-labelledby="account-heading">
      <h2 id="account-heading">{account.heading}</h2>
      <div className="account-summary">
        <Avatar name={me.name} picturePath={myPicturePath} size="large" />
        <dl className="details">
          <dt>{account.name}</dt>
          <dd>{me.name}</dd>
          <dt>{account.email}</dt>
          <dd>{me.email}</dd>
          {me.centreId ? (
            <>
              <dt>{account.centre}</dt>
              <dd>{me.centreId}</dd>
            </>
          ) : null}
          <dt>{account.adminRights}</dt>
          <dd>
            {!me.centreId
              ? account.customerServices
              : me.isAdmin
                ? account.adminYes
                : account.adminNo}
          </dd>
          <dt>{account.sites}</dt>
          <dd>
            {me.sites.length > 0 ? (
              <ul className="plain-list">
                {me.sites.map((site) => (
                  <li key={site}>{siteNames[site] ?? site}</li>
                ))}
              </ul>
            ) : (
              account.noSites
            )}
          </dd>
        </dl>
      </div>
      <p className="access-note">{account.accessNote}</p>
    </section>
  );
}
