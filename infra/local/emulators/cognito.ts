// cognito-local (npm, v5.3.0) in a child process, on 127.0.0.1 only.
//
// What cognito-local 5.3.0 really does, checked with the v3 SDK against this setup
// (pool with UsernameAttributes ["email"]; triggers served by lambda.ts):
//
// Users
// - AdminCreateUser(Username=email, MessageAction SUPPRESS, TemporaryPassword): Username and
//   `sub` are the same fresh UUID; status FORCE_CHANGE_PASSWORD; email_verified only if passed.
//   Without SUPPRESS it needs DesiredDeliveryMediums ["EMAIL"] (else InvalidParameterException
//   "User has no attribute matching desired delivery mediums"), then calls CustomMessage with
//   triggerSource CustomMessage_AdminCreateUser, the code being the temporary password.
//   MessageAction RESEND → 500 Unsupported. Duplicate → UsernameExistsException.
// - Lookup by email is CASE-SENSITIVE ("Alice@x" ≠ "alice@x" → UserNotFoundException).
//   Lookup by sub works in every Admin* call tried.
// - AdminUpdateUserAttributes(email): the new email finds the user, the old one no longer does.
// - AdminDeleteUser works; again → UserNotFoundException. AdminGetUser unknown → UserNotFoundException.
// - AdminDisableUser/AdminEnableUser flip `Enabled`, but a DISABLED USER STILL GETS TOKENS
//   (password and refresh flows alike).
// - AdminAddUserToGroup works (unknown group → ResourceNotFoundException); membership is
//   stored by sub, and AdminListGroupsForUser matches the Username AS GIVEN: pass the sub
//   (with the email it returns []). CreateGroup on an existing name silently REPLACES the
//   group and drops its members (no GroupExistsException).
// Passwords
// - The password policy is stored but NEVER ENFORCED (no InvalidPasswordException for weak
//   passwords on AdminCreateUser, RespondToAuthChallenge, AdminSetUserPassword,
//   ChangePassword, ConfirmForgotPassword).
// - AdminSetUserPassword Permanent=false → FORCE_CHANGE_PASSWORD (InitiateAuth challenges
//   again); Permanent=true → CONFIRMED.
// - ChangePassword works; wrong previous password → InvalidPasswordException.
// - ForgotPassword → CodeDeliveryDetails {Destination: email, DeliveryMedium EMAIL}; the code
//   (6 digits) is only printed in the console box ("Code: 123456"). ConfirmForgotPassword:
//   wrong code → CodeMismatchException; right code sets the password, status CONFIRMED.
//   Unknown user → UserNotFoundException.
// - AdminResetUserPassword → 500 "Unsupported" (the SDK retries 500s: use maxAttempts 1).
// Auth
// - InitiateAuth USER_PASSWORD_AUTH, new user → ChallengeName NEW_PASSWORD_REQUIRED, Session
//   (a UUID), ChallengeParameters {USER_ID_FOR_SRP: sub, requiredAttributes: "[]",
//   userAttributes: JSON}. RespondToAuthChallenge NEW_PASSWORD_REQUIRED (USERNAME,
//   NEW_PASSWORD) → tokens. AdminRespondToAuthChallenge → 500 Unsupported.
// - AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH NEVER challenges: it returns tokens even for
//   a FORCE_CHANGE_PASSWORD user. (The relay makes it challenge as AWS does, below.)
// MFA (TOTP), probed on 5.3.0:
// - AssociateSoftwareToken / VerifySoftwareToken / SetUserMFAPreference work with an
//   AccessToken (base32 secret; codes are HMAC-SHA1, 6 digits, 30 s, ±1 step accepted). With
//   a Session (the MFA_SETUP challenge of a pool whose MFA is ON) they answer
//   InvalidParameterException "not supported".
// - InitiateAuth USER_PASSWORD_AUTH answers SOFTWARE_TOKEN_MFA when the pool's
//   MfaConfiguration is not OFF and the user enabled it; RespondToAuthChallenge
//   SOFTWARE_TOKEN_MFA checks the code (wrong → CodeMismatchException) and ignores the Session.
//   A pool with MFA ON and a user without any factor → NotAuthorizedException (no MFA_SETUP).
// - AdminInitiateAuth never challenges; AdminRespondToAuthChallenge and
//   AdminSetUserMFAPreference answer 500 Unsupported; AdminGetUser shows UserMFASettingList.
// - CreateUserPoolClient GenerateSecret:true stores a ClientSecret (DescribeUserPoolClient
//   shows it), but SECRET_HASH is never checked, nor the client's ExplicitAuthFlows.
// cognito-relay.cjs fills these gaps: AdminInitiateAuth runs InitiateAuth's password flow
// (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, after checking the password),
// AdminRespondToAuthChallenge and AdminSetUserMFAPreference exist, and SECRET_HASH and the
// client's flows are checked.
// - REFRESH_TOKEN_AUTH (InitiateAuth and AdminInitiateAuth) → new AccessToken + IdToken, no
//   RefreshToken. ExpiresIn and TokenType are never returned.
// - Wrong password → InvalidPasswordException "Invalid password" (AWS: NotAuthorizedException).
//   Unknown user → NotAuthorizedException "User not authorized" (both flows).
// - RevokeToken works: the refresh token then fails with NotAuthorizedException, but access
//   tokens already issued stay valid (GetUser accepts them). GlobalSignOut and
//   AdminUserGlobalSignOut → 500 Unsupported.
// Tokens (RS256, header kid "CognitoLocal"; access and id valid 24 h, refresh 7 d)
// - access: auth_time, client_id, event_id, iat, jti, scope "aws.cognito.signin.user.admin",
//   sub, token_use "access", username (= sub), cognito:groups (only if any), exp, iss. No aud.
// - id: cognito:username (= sub), auth_time, email, email_verified (boolean), event_id, iat,
//   jti, sub, token_use "id", cognito:groups (only if any), exp, aud (= client id), iss.
// - refresh: a JWT too (cognito:username, email, iat, jti, exp, iss), no kid.
// - iss = TokenConfig.IssuerDomain + "/" + poolId = http://127.0.0.1:<port>/<poolId>.
//   JWKS at <iss>/.well-known/jwks.json: one RSA key {kty RSA, alg RS256, use sig,
//   kid "CognitoLocal", e AQAB}. The openid-configuration document hard-codes
//   http://localhost:9229 in issuer and jwks_uri: do not use it.
// Triggers
// - Taken from `.cognito/config.json` TriggerFunctions, for every pool; the pool's
//   LambdaConfig is stored and ignored. Invoked through the aws-sdk v2 Lambda client
//   (RequestResponse) at LambdaClient.endpoint: POST /2015-03-31/functions/<name>/invocations.
// - CustomMessage event: { version "0", region "local", userPoolId, triggerSource
//   "CustomMessage_ForgotPassword" | "CustomMessage_AdminCreateUser" | …, userName (= sub),
//   callerContext {awsSdkVersion, clientId (CLIENT_ID_NOT_APPLICABLE for admin calls)},
//   request {codeParameter "{####}", usernameParameter "{username}", userAttributes {email,
//   email_verified?, sub}}, response {smsMessage "", emailMessage "", emailSubject ""} }.
//   It reads `response.emailSubject` / `response.emailMessage` ({####} → code, {username} →
//   username) and only PRINTS them in its console box. If the function fails (Unhandled
//   error or 404) it logs the error and prints the default message; the API call succeeds.
// - PreTokenGeneration (TokenGeneration_Authentication / _RefreshTokens): request
//   {userAttributes, groupConfiguration}; claimsToAddOrOverride lands in the ID token.
//   A failing PostConfirmation is logged, ConfirmForgotPassword still succeeds.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type PasswordPolicyType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type Handle,
  type LogFn,
  NODE_WATCHDOG_ARGS,
  spawnGuarded,
  waitUntilReady,
} from './process.js';

/** Trigger → Lambda function name (or ARN). These are the triggers cognito-local calls. */
export type CognitoTriggers = Partial<
  Record<
    | 'CustomMessage'
    | 'PreSignUp'
    | 'PostConfirmation'
    | 'PostAuthentication'
    | 'PreTokenGeneration'
    | 'UserMigration',
    string
  >
>;

const require = createRequire(import.meta.url);

export async function startCognitoLocal(opts: {
  port: number;
  workDir: string;
  /** Base URL of the Lambda Invoke API that triggers are sent to. */
  lambdaEndpoint: string;
  /**
   * cognito-local ignores the pool's LambdaConfig and reads triggers from its own config
   * file, for every pool: pass the same mapping given to provisionUserPool.
   */
  triggers?: CognitoTriggers;
  /** Forward every email the pool sends to this local SES, from this address. */
  relayEmails?: { sesEndpoint: string; from: string };
  log?: LogFn;
}): Promise<Handle> {
  const endpoint = `http://127.0.0.1:${opts.port}`;
  // cognito-local reads `.cognito/config.json` and keeps its database under `.cognito/db`,
  // both relative to its cwd: the work dir keeps every run isolated.
  await mkdir(join(opts.workDir, '.cognito'), { recursive: true });
  const config = {
    LambdaClient: {
      endpoint: opts.lambdaEndpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      // A failing trigger should fail fast, not be retried three times by the v2 SDK.
      maxRetries: 0,
    },
    TokenConfig: { IssuerDomain: endpoint },
    TriggerFunctions: opts.triggers ?? {},
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    ServerConfig: { hostname: '127.0.0.1', port: opts.port },
  };
  await writeFile(join(opts.workDir, '.cognito', 'config.json'), JSON.stringify(config, null, 2));

  const bin = join(
    dirname(require.resolve('cognito-local/package.json')),
    'lib',
    'bin',
    'start.js',
  );
  const relay = join(dirname(fileURLToPath(import.meta.url)), 'cognito-relay.cjs');
  const guarded = spawnGuarded(process.execPath, [...NODE_WATCHDOG_ARGS, '--require', relay, bin], {
    cwd: opts.workDir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(opts.port),
      NO_COLOR: '1',
      HUB_RELAY_SES_ENDPOINT: opts.relayEmails?.sesEndpoint ?? '',
      HUB_RELAY_FROM: opts.relayEmails?.from ?? '',
      FORCE_COLOR: '0',
      // The bundled aws-sdk v2 prints a maintenance-mode banner on every start.
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    },
    log: opts.log,
    name: 'cognito',
  });
  await waitUntilReady(
    guarded,
    async () => {
      const res = await fetch(`${endpoint}/health`);
      if (!res.ok) throw new Error(`health ${res.status}`);
    },
    { name: 'cognito-local', timeoutMs: 60_000, intervalMs: 50 },
  );
  return { endpoint, pid: guarded.pid, stop: guarded.stop };
}

export function cognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // Unsupported operations answer 500, which the SDK would otherwise retry 3 times.
    maxAttempts: 1,
  });
}

export interface ProvisionedUserPool {
  userPoolId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
}

export async function provisionUserPool(
  endpoint: string,
  opts: {
    poolName: string;
    passwordPolicy: PasswordPolicyType;
    clientName: string;
    triggers?: CognitoTriggers;
  },
): Promise<ProvisionedUserPool> {
  const client = cognitoClient(endpoint);
  try {
    const pool = await client.send(
      new CreateUserPoolCommand({
        PoolName: opts.poolName,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: opts.passwordPolicy },
        // As in AWS (infra/stateful-stack.ts): a user with an authenticator app is asked
        // for a code; the API requires one of support staff.
        MfaConfiguration: 'OPTIONAL',
        // Stored and echoed back by cognito-local but not used (see startCognitoLocal).
        ...(opts.triggers ? { LambdaConfig: opts.triggers } : {}),
      }),
    );
    const userPoolId = pool.UserPool?.Id;
    if (!userPoolId) throw new Error('CreateUserPool returned no Id');
    const appClient = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: opts.clientName,
        // As in AWS: a confidential client with the server-side flows only. The relay
        // (cognito-relay.cjs) checks SECRET_HASH and the flows as Cognito does.
        GenerateSecret: true,
        ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const clientId = appClient.UserPoolClient?.ClientId;
    if (!clientId) throw new Error('CreateUserPoolClient returned no ClientId');
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: 'support' }));
    const issuer = `${endpoint.replace(/\/$/, '')}/${userPoolId}`;
    return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  } finally {
    client.destroy();
  }
}
