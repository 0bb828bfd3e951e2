/**
 * Every page of the console, each loaded only when it is opened (route-level code
 * splitting keeps the first load small). Paths are part of the product: emails link to
 * /sign-in, /reset-password and /profile.
 */
import { lazy, Suspense } from 'react';
import { RouterProvider as AriaRouterProvider } from 'react-aria-components';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { LoadingState } from '../components/states';
import { t } from '../i18n';
import { useSession } from '../session/session';
import { homePath, RequireAdministrator, RequireSignIn } from './guards';
import { Layout } from './Layout';

const SignInPage = lazy(() => import('../pages/SignInPage'));
const ForgottenPasswordPage = lazy(() => import('../pages/ForgottenPasswordPage'));
const ResetPasswordPage = lazy(() => import('../pages/ResetPasswordPage'));
const ProfilePage = lazy(() => import('../pages/ProfilePage'));
const SupportArea = lazy(() => import('../pages/support/SupportArea'));
const SiteArea = lazy(() => import('../pages/sites/SiteArea'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage'));
const MyCentreLayout = lazy(() => import('../pages/my-centre/MyCentreLayout'));
const UsersPage = lazy(() => import('../pages/my-centre/UsersPage'));
const AddUsersPage = lazy(() => import('../pages/my-centre/AddUsersPage'));
const UserPage = lazy(() => import('../pages/my-centre/UserPage'));
const AuditLogPage = lazy(() => import('../pages/my-centre/AuditLogPage'));
const ImportUsersPage = lazy(() => import('../pages/my-centre/import/ImportUsersPage'));

const loading = <LoadingState label={t.common.loadingPage} />;

function Home() {
  const { me } = useSession();
  return me ? <Redirect to={homePath(me)} replace /> : null;
}

function MyCentre() {
  const { me } = useSession();
  if (!me) return null;
  return <Redirect to={me.centreId ? `/centres/${me.centreId}/users` : '/support'} replace />;
}

function SignedInPages() {
  return (
    <RequireSignIn>
      <Layout>
        <Suspense fallback={loading}>
          <Switch>
            <Route path="/" component={Home} />
            <Route path="/profile" component={ProfilePage} />
            <Route path="/my-centre">
              <RequireAdministrator>
                <MyCentre />
              </RequireAdministrator>
            </Route>
            <Route path="/support/*?">
              <RequireAdministrator>
                <SupportArea />
              </RequireAdministrator>
            </Route>
            {/* A support site's Teacher and learner management: for its members and coordinators. */}
            <Route path="/centres/:centreId/sites/:site/*?" component={SiteArea} />
            <Route path="/centres/:centreId/*?">
              <RequireAdministrator>
                <MyCentreLayout>
                  <Suspense fallback={loading}>
                    <Switch>
                      <Route path="/centres/:centreId/users" component={UsersPage} />
                      <Route path="/centres/:centreId/users/new" component={AddUsersPage} />
                      <Route path="/centres/:centreId/users/import" component={ImportUsersPage} />
                      <Route path="/centres/:centreId/users/:userId" component={UserPage} />
                      <Route path="/centres/:centreId/audit" component={AuditLogPage} />
                      <Route path="/centres/:centreId">
                        {(params) => <Redirect to={`/centres/${params.centreId}/users`} replace />}
                      </Route>
                      <Route component={NotFoundPage} />
                    </Switch>
                  </Suspense>
                </MyCentreLayout>
              </RequireAdministrator>
            </Route>
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </Layout>
    </RequireSignIn>
  );
}

export function App() {
  const [, navigate] = useLocation();
  return (
    // React Aria's links and menus navigate through the router, not by reloading the page.
    <AriaRouterProvider navigate={(path) => navigate(path)}>
      <Suspense fallback={loading}>
        <Switch>
          <Route path="/sign-in" component={SignInPage} />
          <Route path="/forgotten-password" component={ForgottenPasswordPage} />
          <Route path="/reset-password" component={ResetPasswordPage} />
          <Route component={SignedInPages} />
        </Switch>
      </Suspense>
    </AriaRouterProvider>
  );
}
