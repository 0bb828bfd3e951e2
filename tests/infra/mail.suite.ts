/**
 * Bounces and complaints (issue 12 item 2): a configuration set, the identity's default and
 * Cognito's, with the account-level suppression list for both reasons, publishing bounce
 * and complaint events to a topic whose subscriber marks the users; mail from a MAIL FROM
 * subdomain that refuses to send without its MX record.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HubApp } from '../../infra/hub-app.js';
import { configurationSetName } from '../../infra/mail-stack.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

type Json = any;
type Template = { Resources: Record<string, { Type: string; Properties: Json }>; Outputs: Json };
let hub: HubApp;
let mail: Template;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  mail = app.assembly.getStackByName(stackNames.mail).template;
  stateful = app.assembly.getStackByName(stackNames.stateful).template;
  stateless = app.assembly.getStackByName(stackNames.stateless).template;
}, 120_000);

const only = (template: Template, type: string) => {
  const found = Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, { Properties: Json }];
};

describe('bounces and complaints', () => {
  it('has a configuration set on the account-level suppression list for bounces and complaints', () => {
    const [, set] = only(mail, 'AWS::SES::ConfigurationSet');
    expect(set.Properties).toMatchObject({
      Name: configurationSetName,
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('makes it the identity default, with a MAIL FROM subdomain that rejects mail without its MX', () => {
    const [setId] = only(mail, 'AWS::SES::ConfigurationSet');
    const [, identity] = only(mail, 'AWS::SES::EmailIdentity');
    expect(identity.Properties).toMatchObject({
      EmailIdentity: hub.settings.mailDomain,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } },
      MailFromAttributes: {
        MailFromDomain: `mail.${hub.settings.mailDomain}`,
        BehaviorOnMxFailure: 'REJECT_MESSAGE',
      },
    });
    expect(mail.Outputs.MailFromMxRecord.Value).toMatch(
      /^mail\.\S+ = 10 feedback-smtp\.\S+\.amazonses\.com$/,
    );
    expect(mail.Outputs.MailFromSpfRecord.Value).toContain('"v=spf1 include:amazonses.com ~all"');
  });

  it("is Cognito's configuration set too", () => {
    const [, pool] = only(stateful, 'AWS::Cognito::UserPool');
    expect(pool.Properties.EmailConfiguration.ConfigurationSet).toBe(configurationSetName);
  });

  it('publishes bounces and complaints to a TLS-only topic, delivered to the marking function with a dead-letter queue', () => {
    const [topicId] = only(mail, 'AWS::SNS::Topic');
    const [, destination] = only(mail, 'AWS::SES::ConfigurationSetEventDestination');
    expect(destination.Properties.EventDestination).toMatchObject({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint'],
      SnsDestination: { TopicARN: { Ref: topicId } },
    });
    const [, subscription] = only(stateless, 'AWS::SNS::Subscription');
    const fnId = hub.stateless.getLogicalId(
      hub.stateless.mailEvents.fn.function.node.defaultChild as CfnElement,
    );
    const queueId = hub.stateless.getLogicalId(
      hub.stateless.mailEvents.deadLetters.node.defaultChild as CfnElement,
    );
    expect(subscription.Properties).toMatchObject({
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    expect(JSON.stringify(subscription.Properties.TopicArn)).toContain('Fn::ImportValue');
  });
});
