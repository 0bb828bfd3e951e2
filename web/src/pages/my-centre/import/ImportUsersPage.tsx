/** Add new users › Import from CSV. */
import { Page } from '../../../app/page';

export default function ImportUsersPage() {
  return (
    <Page title="Import from CSV">
      <p>Coming in this issue.</p>
    </Page>
  );
}
