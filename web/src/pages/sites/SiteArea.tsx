/**
 * A support site's (Primary or Lower Secondary) Teacher and learner management: the
 * Teachers and Learners tabs, a teacher's page with Transfer data, and a learner's results.
 */
import { Page } from '../../app/page';

export default function SiteArea() {
  return (
    <Page title="Teacher and learner management">
      <p>Coming in this issue.</p>
    </Page>
  );
}
