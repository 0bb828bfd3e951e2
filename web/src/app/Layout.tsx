/**
 * The frame of every signed-in page, as the guide shows it: a top bar with *Administration*
 * → *My Centre* (coordinators and support only) and, top right, the user icon menu with
 * *View profile* and *Sign out*.
 */
import type { ReactNode } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { Link, useLocation } from 'wouter';
import { t } from '../i18n';
import { useSession } from '../session/session';
import { Avatar, initials } from './Avatar';
import { siteName } from './page';
import { SideBar } from './SideBar';

export function Layout({ children }: { children: ReactNode }) {
  const { me, isAdministrator, isSupport, signOut } = useSession();
  const [, navigate] = useLocation();
  const myCentre = me && !isSupport ? `/centres/${me.centreId}/users` : '/support';

  return (
    <>
      <a className="skip-link" href="#main">
        {t.common.skipToMain}
      </a>
      <header className="top-bar">
        <Link href="/" className="brand">
          {siteName}
        </Link>
        <nav aria-label={t.common.frame.mainNav} className="main-nav">
          {isAdministrator ? (
            <MenuTrigger>
              <Button className="nav-button">
                {t.common.frame.administration} <span aria-hidden="true">▾</span>
              </Button>
              <Popover placement="bottom start" className="menu-popover">
                <Menu className="menu" onAction={() => navigate(myCentre)}>
                  <MenuItem id="my-centre" className="menu-item">
                    {t.common.frame.myCentre}
                  </MenuItem>
                </Menu>
              </Popover>
            </MenuTrigger>
          ) : null}
        </nav>
        <MenuTrigger>
          <Button
            className="user-button"
            // Begins with the initials shown, so voice control can say them (WCAG 2.5.3).
            aria-label={t.common.frame.userMenu(initials(me?.name), me?.name ?? t.common.frame.you)}
          >
            <Avatar name={me?.name} picturePath="/me/picture" />
          </Button>
          <Popover placement="bottom end" className="menu-popover">
            <Menu
              className="menu"
              onAction={(key) => {
                if (key === 'profile') navigate('/profile');
                if (key === 'sign-out') void signOut().then(() => navigate('/sign-in'));
              }}
            >
              <MenuItem id="profile" className="menu-item">
                {t.common.frame.viewProfile}
              </MenuItem>
              <MenuItem id="sign-out" className="menu-item">
                {t.common.frame.signOut}
              </MenuItem>
            </Menu>
          </Popover>
        </MenuTrigger>
      </header>
      <div className="shell">
        <SideBar />
        <main id="main" className="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}
