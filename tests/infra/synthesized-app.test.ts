/**
 * The CDK app as `cdk synth` makes it (asset bundling skipped), checked by the suites that
 * read one synthesis (tests/infra/default-app.ts): each synthesis costs about 15
 * CPU-seconds, and one file is what lets the suites share it.
 */
import { afterAll } from 'vitest';
import { removeDefaultApp } from './default-app.js';
import './stacks.suite.js';
import './console-hosting.suite.js';
import './cors.suite.js';
import './least-privilege.suite.js';
import './environments.suite.js';
import './edge.suite.js';
import './granted-actions.suite.js';
import './bucket-names.suite.js';
import './restored-table.suite.js';
import './index-projections.suite.js';
import './ops-outputs.suite.js';
import './app-client.suite.js';
import './outbox.suite.js';
import './mail.suite.js';

afterAll(removeDefaultApp);
