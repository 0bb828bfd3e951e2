// Preloaded into cognito-local (node --require). cognito-local only prints the emails a
// user pool sends (password reset codes); in AWS Cognito sends them through SES. This
// forwards each one to the local SES, so it lands in the one local inbox like every other.
const path = require('node:path');

// cognito-local keeps each user pool in memory and, on every change (a sign-in stores its
// refresh token), writes the whole pool to a pretty-printed JSON file: each sign-in costs
// time in proportion to the number of users, and a test run makes thousands of them. The
// local stack's data lives as long as the stack (DynamoDB Local runs -inMemory; the folder
// is temporary), so each file is written once, when made (cognito-local lists the pools
// in its folder at start), and the pools stay in memory after that.
const StormDB = require(
  require.resolve('stormdb', {
    paths: [path.dirname(require.resolve('cognito-local/package.json'))],
  }),
);
const written = new WeakSet();
const save = StormDB.prototype.save;
StormDB.prototype.save = function saveOnce() {
  if (written.has(this)) return Promise.resolve();
  written.add(this);
  return save.call(this);
};
const senderPath = path.join(
  path.dirname(require.resolve('cognito-local/package.json')),
  'lib/services/messageDelivery/consoleMessageSender.js',
);
const { ConsoleMessageSender } = require(senderPath);
const { htmlToText } = require('./html-to-text.cjs');

const endpoint = process.env.HUB_RELAY_SES_ENDPOINT;
const from = process.env.HUB_RELAY_FROM;
const original = ConsoleMessageSender.prototype.sendEmail;

ConsoleMessageSender.prototype.sendEmail = async function relay(ctx, user, destination, message) {
  await original.call(this, ctx, user, destination, message);
  if (!endpoint || !from) return;
  const html = message.emailMessage || `Verification code: ${message.__code}`;
  const response = await fetch(`${endpoint}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // The local SES wants some credentials; it checks no signature.
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-2/ses/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify({
      FromEmailAddress: from,
      Destination: { ToAddresses: [destination] },
      Content: {
        Simple: {
          Subject: { Data: message.emailSubject || 'Your verification code', Charset: 'UTF-8' },
          // Cognito sends its message as HTML alone; the text part beside it is derived
          // here so the local inbox reads like every other email of the product.
          Body: {
            Html: { Data: html, Charset: 'UTF-8' },
            Text: { Data: htmlToText(html), Charset: 'UTF-8' },
          },
        },
      },
    }),
  });
  if (!response.ok) process.stderr.write(`relay to the local SES failed: ${response.status}\n`);
};

// ---------------------------------------------------------------------------------------
// Sign-in as Cognito does it, where cognito-local 5.3 falls short (see cognito.ts):
// - AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH never challenges there. In AWS it answers
//   the same challenges as InitiateAuth (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA), so it
//   runs InitiateAuth's password flow here, which has them.
// - AdminRespondToAuthChallenge and AdminSetUserMFAPreference are missing: the first runs
//   RespondToAuthChallenge's (it has the SOFTWARE_TOKEN_MFA check), the second sets the
//   same fields SetUserMFAPreference does, for a user named by the pool and username.
// - RespondToAuthChallenge does not store the refresh token it issues: it is stored here.
// - App clients: a client secret and ExplicitAuthFlows are stored and never checked. As in
//   AWS, a client with a secret needs SECRET_HASH (Base64(HMAC-SHA256(secret, username +
//   client id))) on every call that names it, and a flow the client does not allow fails.
const lib = path.join(path.dirname(require.resolve('cognito-local/package.json')), 'lib');
const { Targets } = require(path.join(lib, 'targets/targets.js'));
const errors = require(path.join(lib, 'errors.js'));
const { createHmac, timingSafeEqual } = require('node:crypto');

const secretHashOf = (secret, username, clientId) =>
  createHmac('sha256', secret).update(`${username}${clientId}`).digest('base64');

const checkSecretHash = (appClient, username, given) => {
  if (!appClient?.ClientSecret) return;
  const expected = Buffer.from(
    secretHashOf(appClient.ClientSecret, username ?? '', appClient.ClientId),
  );
  const actual = Buffer.from(String(given ?? ''));
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
    throw new errors.NotAuthorizedError(
      `Client ${appClient.ClientId} is configured with secret but SECRET_HASH was not received or is wrong`,
    );
};

const flowAllowed = (appClient, flow) => {
  const allowed = appClient?.ExplicitAuthFlows;
  // A client made without ExplicitAuthFlows allows the defaults, as AWS does.
  if (!allowed || allowed.length === 0) return;
  if (
    !allowed.includes(`ALLOW_${flow}`) &&
    !(flow === 'REFRESH_TOKEN' && allowed.includes('ALLOW_REFRESH_TOKEN_AUTH'))
  )
    throw new errors.InvalidParameterError(`${flow} flow not enabled for this client`);
};

const userOfRefreshToken = async (services, ctx, clientId, token) => {
  const userPool = await services.cognito.getUserPoolForClientId(ctx, clientId);
  return userPool.getUserByRefreshToken(ctx, token);
};

const withClientChecks = (name, check) => {
  const original = Targets[name];
  Targets[name] = (services) => {
    const target = original(services);
    return async (ctx, req) => {
      const appClient = await services.cognito.getAppClient(ctx, req.ClientId);
      await check(services, ctx, req, appClient);
      return target(ctx, req);
    };
  };
};

const checkAuthFlow = async (services, ctx, req, appClient) => {
  const params = req.AuthParameters ?? {};
  const refresh = req.AuthFlow === 'REFRESH_TOKEN_AUTH' || req.AuthFlow === 'REFRESH_TOKEN';
  flowAllowed(appClient, refresh ? 'REFRESH_TOKEN_AUTH' : req.AuthFlow);
  if (!appClient?.ClientSecret) return;
  // For a refresh, the username is the user's own (the sub here), as in AWS.
  const username = refresh
    ? (await userOfRefreshToken(services, ctx, req.ClientId, params.REFRESH_TOKEN ?? ''))?.Username
    : params.USERNAME;
  checkSecretHash(appClient, username, params.SECRET_HASH);
};

// AdminInitiateAuth runs InitiateAuth's password flow, unchecked (its own checks are done).
const rawInitiateAuth = Targets.InitiateAuth;
const adminInitiateAuth = Targets.AdminInitiateAuth;
Targets.AdminInitiateAuth = (services) => {
  const asInitiate = rawInitiateAuth(services);
  const original = adminInitiateAuth(services);
  return async (ctx, req) => {
    const appClient = await services.cognito.getAppClient(ctx, req.ClientId);
    if (!appClient) throw new errors.NotAuthorizedError();
    await checkAuthFlow(services, ctx, req, appClient);
    if (req.AuthFlow === 'ADMIN_USER_PASSWORD_AUTH') {
      // InitiateAuth answers NEW_PASSWORD_REQUIRED before it checks the password; AWS
      // checks the (temporary) password first.
      const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
      const user = await userPool.getUserByUsername(ctx, req.AuthParameters?.USERNAME ?? '');
      if (user && user.Password !== req.AuthParameters?.PASSWORD)
        throw new errors.InvalidPasswordError();
      return asInitiate(ctx, { ...req, AuthFlow: 'USER_PASSWORD_AUTH' });
    }
    return original(ctx, req);
  };
};
withClientChecks('InitiateAuth', checkAuthFlow);
withClientChecks('RespondToAuthChallenge', (_services, _ctx, req, appClient) =>
  checkSecretHash(appClient, req.ChallengeResponses?.USERNAME, req.ChallengeResponses?.SECRET_HASH),
);
withClientChecks('ForgotPassword', (_services, _ctx, req, appClient) =>
  checkSecretHash(appClient, req.Username, req.SecretHash),
);
withClientChecks('ConfirmForgotPassword', (_services, _ctx, req, appClient) =>
  checkSecretHash(appClient, req.Username, req.SecretHash),
);

// RespondToAuthChallenge issues a refresh token without storing it (InitiateAuth stores
// its own): store it, so a sign-in finished with a code can be refreshed, as in AWS.
const respondToAuthChallenge = Targets.RespondToAuthChallenge;
Targets.RespondToAuthChallenge = (services) => {
  const target = respondToAuthChallenge(services);
  return async (ctx, req) => {
    const answer = await target(ctx, req);
    const refreshToken = answer?.AuthenticationResult?.RefreshToken;
    if (refreshToken) {
      const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
      const user = await userPool.getUserByUsername(ctx, req.ChallengeResponses.USERNAME);
      if (user) await userPool.storeRefreshToken(ctx, refreshToken, user);
    }
    return answer;
  };
};
Targets.AdminRespondToAuthChallenge = (services) => Targets.RespondToAuthChallenge(services);

Targets.AdminSetUserMFAPreference = (services) => async (ctx, req) => {
  const userPool = await services.cognito.getUserPool(ctx, req.UserPoolId);
  const user = await userPool.getUserByUsername(ctx, req.Username);
  if (!user) throw new errors.UserNotFoundError('User does not exist.');
  const software = req.SoftwareTokenMfaSettings;
  if (software?.Enabled && !user.SoftwareTokenMfaConfiguration?.Verified)
    throw new errors.InvalidParameterError('User has not verified software token mfa');
  const methods = new Set(user.UserMFASettingList ?? []);
  if (software) {
    if (software.Enabled) methods.add('SOFTWARE_TOKEN_MFA');
    else methods.delete('SOFTWARE_TOKEN_MFA');
  }
  await userPool.saveUser(ctx, {
    ...user,
    UserMFASettingList: [...methods],
    PreferredMfaSetting: software?.PreferredMfa
      ? 'SOFTWARE_TOKEN_MFA'
      : methods.size
        ? user.PreferredMfaSetting
        : undefined,
  });
  return {};
};
