import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SESClient } from '@aws-sdk/client-ses';
import { cognitoIdentity } from '../core/adapters/cognito.js';
import { sesMailer } from '../core/adapters/ses.js';
import { readSettings } from '../core/config.js';
import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { centresRoutes } from './routes.js';

const settings = readSettings(['userPoolId', 'userPoolClientId', 'mailFrom']);
const db = tableFromEnvironment();
export const handler = createAreaHandler(
  'centres',
  centresRoutes({
    db,
    identity: cognitoIdentity(new CognitoIdentityProviderClient({}), settings),
    mailer: sesMailer(new SESClient({}), settings),
    clock: systemClock,
  }),
  pipelineDeps(db),
);
