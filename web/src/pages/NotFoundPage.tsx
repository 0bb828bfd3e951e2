import { Link } from 'wouter';
import { Page } from '../app/page';
import { t } from '../i18n';

export default function NotFoundPage() {
  return (
    <Page title={t.common.notFound.title}>
      <p>{t.common.notFound.body}</p>
      <p>
        <Link href="/">{t.common.goToStart}</Link>
      </p>
    </Page>
  );
}
