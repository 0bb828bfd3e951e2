/**
 * The outbox (issue 12 item 12): the table streams new images; one sender Lambda, at most one
 * batch at a time, reads only new outbox items from it, reports each batch's first failure,
 * bisects and retries a failing batch, and describes what it gives up on in an alarmed
 * dead-letter queue. It alone (with the me area's inline code email) may send email.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/core/config.js';
import type { HubApp } from '../../infra/hub-app.js';
import { outboxBatchSize, outboxStreamRetries } from '../../infra/outbox-sender.js';
import { defaultApp } from './default-app.js';
import { stackNames } from './fixture.js';

type Json = any;
type Resources = Record<string, { Type: string; Properties: Json }>;
let hub: HubApp;
let stateless: Resources;
let stateful: Resources;

beforeAll(() => {
  const app = defaultApp();
  hub = app.hub;
  stateless = app.assembly.getStackByName(stackNames.stateless).template.Resources;
  stateful = app.assembly.getStackByName(stackNames.stateful).template.Resources;
}, 120_000);

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  hub.stateless.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the outbox', () => {
  it('streams the new image of every table item', () => {
    const [[, table]] = ofType(stateful, 'AWS::DynamoDB::GlobalTable') as [[string, Json]];
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('feeds only new outbox items to the sender, in small batches, with retries, bisection and a dead-letter queue', () => {
    const mappings = ofType(stateless, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [[, mapping]] = mappings as [[string, Json]];
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: idOf(hub.stateless.outboxSender.fn.function) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: outboxBatchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: outboxStreamRetries,
      MaximumRecordAgeInSeconds: 86_400,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [idOf(hub.stateless.outboxSender.deadLetters), 'Arn'] },
        },
      },
    });
    expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('StreamArn');
    const patterns = mapping.Properties.FilterCriteria.Filters.map((filter: Json) =>
      JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['outbox'] } } } },
    ]);
  });

  it('sends one batch at a time across all shards, at hub:mailSendRate', () => {
    const fn = stateless[idOf(hub.stateless.outboxSender.fn.function)]?.Properties;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Environment.Variables[settingNames.mailSendRate]).toBe(
      String(hub.settings.mailSendRate),
    );
    expect(hub.settings.mailSendRate).toBeLessThan(14);
  });

  it('may send email and set a temporary password, and nothing else in Cognito', () => {
    const roleId = idOf(hub.stateless.outboxSender.fn.role);
    const statements = ofType(stateless, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((ref: Json) => ref.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[]);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('ses:SendEmail');
    expect(actions.filter((action) => action.startsWith('cognito-idp:'))).toEqual([
      'cognito-idp:AdminSetUserPassword',
    ]);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('alarms when a batch reaches the dead-letter queue', () => {
    const queueId = idOf(hub.stateless.outboxSender.deadLetters);
    const alarms = ofType(stateless, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      JSON.stringify(alarm.Properties.Dimensions ?? []).includes(`"${queueId}"`),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
  });
});
