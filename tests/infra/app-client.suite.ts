/**
 * Issue 12 items 3 and 5 on the synthesized template: two-step sign-in (an authenticator
 * app, OPTIONAL pool-wide, required of support staff by the API), Cognito threat protection
 * from hub:threatProtection (on in config/prod.json and in the tests' fixture), and the app client: a
 * confidential one with the server-side flow only, and the client it replaces kept for one
 * deploy (hub:legacyAppClient), both in the JWT authorizer's audience meanwhile.
 */
import '../../infra/cdk-home.js'; // first: keep aws-cdk-lib's fingerprint cache out of ~
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/core/config.js';
import type { HubApp } from '../../infra/hub-app.js';
import { StatefulStack } from '../../infra/stateful-stack.js';
import { defaultApp } from './default-app.js';
import { fixtureContext, stackNames } from './fixture.js';

type Json = any;

let hub: HubApp;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  stateful = Template.fromJSON(app.assembly.getStackByName(stackNames.stateful).template);
  stateless = Template.fromJSON(app.assembly.getStackByName(stackNames.stateless).template);
}, 60_000);

const clients = () =>
  Object.entries(stateful.findResources('AWS::Cognito::UserPoolClient')) as [string, Json][];

/** The stateful stack alone, with other settings (no bundling: the trigger is not built). */
function statefulWith(change: { threatProtection: boolean; legacyAppClient: boolean }) {
  const app = new App({ context: { ...fixtureContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new StatefulStack(app, 'Variant', {
    env: { account: '111111111111', region: hub.settings.region },
    settings: { ...hub.settings, ...change },
    consoleUrl: 'https://hub.example.org',
  });
  return Template.fromStack(stack);
}

describe('two-step sign-in and threat protection (issue 12 item 3)', () => {
  it('offers an authenticator app (TOTP, no SMS) to every user: MFA OPTIONAL', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('turns threat protection on (Plus plan, enforced) with the production context', () => {
    expect(hub.settings.threatProtection).toBe(true);
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('leaves it off, on the Essentials plan, when hub:threatProtection is false', () => {
    const template = statefulWith({ threatProtection: false, legacyAppClient: false });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      UserPoolAddOns: Match.absent(),
      MfaConfiguration: 'OPTIONAL',
    });
  });
});

describe('the app client (issue 12 item 5)', () => {
  it('allows USER_PASSWORD_AUTH on no client, nor any flow but the server-side one', () => {
    for (const [, client] of clients()) {
      expect(client.Properties.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      expect(client.Properties.ExplicitAuthFlows.sort()).toEqual([
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]);
      expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
    }
  });

  it('signs in with a new confidential client; the old one (no secret) is kept for one deploy', () => {
    const byId = Object.fromEntries(
      clients().map(([id, client]) => [id.replace(/[0-9A-F]{8}$/, ''), client]),
    );
    expect(Object.keys(byId).sort()).toEqual(['UserPoolApiClient', 'UserPoolServerClient']);
    expect(byId.UserPoolServerClient.Properties.GenerateSecret).toBe(true);
    expect(byId.UserPoolApiClient.Properties.GenerateSecret).toBe(false);
  });

  it('accepts tokens of both clients while the old one is kept', () => {
    const [authorizer] = Object.values(
      stateless.findResources('AWS::ApiGatewayV2::Authorizer'),
    ) as Json[];
    const audience = JSON.stringify(authorizer.Properties.JwtConfiguration.Audience);
    expect(authorizer.Properties.JwtConfiguration.Audience).toHaveLength(2);
    expect(audience).toContain('UserPoolServerClient');
    expect(audience).toContain('UserPoolApiClient');
  });

  it('tells the auth function the old client, for its refresh tokens, and no function the secret', () => {
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function')) as Json[];
    const withLegacy = functions.filter(
      (fn) => fn.Properties.Environment?.Variables?.[settingNames.legacyUserPoolClientId],
    );
    expect(withLegacy).toHaveLength(1);
    expect(JSON.stringify(withLegacy[0].Properties.Environment.Variables)).toContain(
      'UserPoolApiClient',
    );
    expect(JSON.stringify(withLegacy[0].Properties.Description)).toContain('auth');
    // The secret is read from Cognito at cold start: no environment carries it.
    for (const fn of functions)
      expect(JSON.stringify(fn.Properties.Environment ?? {})).not.toMatch(/ClientSecret|SECRET/);
  });

  it('grants DescribeUserPoolClient (the secret) to the functions that sign in or start a reset, and no other', () => {
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy')) as Json[];
    const describing = policies.filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(
        'cognito-idp:DescribeUserPoolClient',
      ),
    );
    expect(describing.map((policy) => JSON.stringify(policy.Properties.Roles)).sort()).toEqual([
      expect.stringContaining('AuthFunction'),
      // A coordinator's Reset password: ForgotPassword with the secret's hash.
      expect.stringContaining('CentresFunction'),
      expect.stringContaining('MeFunction'),
    ]);
  });

  it('removes the old client, and its audience, when hub:legacyAppClient is false', () => {
    const template = statefulWith({ threatProtection: true, legacyAppClient: false });
    const remaining = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(remaining).toHaveLength(1);
    expect(remaining[0]).toMatch(/^UserPoolServerClient/);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: true });
  });
});
