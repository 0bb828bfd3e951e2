import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIdentity } from '../core/adapters/cognito.js';
import { readSettings } from '../core/config.js';
import { createAreaHandler } from '../core/http.js';
import { systemClock } from '../core/ports.js';
import { pipelineDeps, tableFromEnvironment } from '../core/wiring.js';
import { authRoutes } from './routes.js';

const db = tableFromEnvironment();
const identity = cognitoIdentity(
  new CognitoIdentityProviderClient({}),
  readSettings(['userPoolId', 'userPoolClientId']),
);
export const handler = createAreaHandler(
  'auth',
  authRoutes({ db, identity, clock: systemClock }),
  pipelineDeps(db),
);
