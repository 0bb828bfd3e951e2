/** The CDK app entry (cdk.json: `npx tsx infra/app.ts`). */
import './cdk-home.js'; // first: nothing may be written to the home folder
import { createHubApp } from './hub-app.js';

createHubApp().app.synth();
