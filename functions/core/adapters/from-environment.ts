/**
 * The ports over real AWS clients, configured from the environment. Separate functions, so
 * an area's bundle carries only the clients it calls for.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { readSettings, settingNames } from '../config.js';
import type { PictureStore } from '../images.js';
import type { Identity, Mailer, Workflows } from '../ports.js';
import { cognitoIdentity } from './cognito.js';
import { s3PictureStore } from './s3.js';
import { sesMailer } from './ses.js';
import { sfnWorkflows } from './sfn.js';

export const identityFromEnvironment = (): Identity => {
  const legacy = process.env[settingNames.legacyUserPoolClientId]?.trim();
  return cognitoIdentity(new CognitoIdentityProviderClient({}), {
    ...readSettings(['userPoolId', 'userPoolClientId']),
    ...(legacy ? { legacyUserPoolClientId: legacy } : {}),
  });
};

export const mailerFromEnvironment = (): Mailer =>
  sesMailer(new SESClient({}), readSettings(['mailFrom']));

export const picturesFromEnvironment = (): PictureStore =>
  // Path-style addressing is only for the local S3 (AWS_S3_FORCE_PATH_STYLE=true there).
  s3PictureStore(
    new S3Client({ forcePathStyle: process.env.AWS_S3_FORCE_PATH_STYLE === 'true' }),
    readSettings(['pictureBucket']),
  );

export const workflowsFromEnvironment = (): Workflows =>
  sfnWorkflows(new SFNClient({}), readSettings(['removalStateMachineArn']).removalStateMachineArn);

/** The site-removal workflow (taking sites away from a centre's users). */
export const siteRemovalWorkflowFromEnvironment = (): Workflows =>
  sfnWorkflows(
    new SFNClient({}),
    readSettings(['siteRemovalStateMachineArn']).siteRemovalStateMachineArn,
  );
