import { Link } from 'wouter';
import { Page } from '../app/page';

export default function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link href="/">Go to the start page</Link>
      </p>
    </Page>
  );
}
