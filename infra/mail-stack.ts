/**
 * The noreply address's domain as an SES identity, in a stack of its own: Cognito refuses a
 * sender whose identity is not yet verified, so this is deployed first, its DKIM records
 * are published in DNS, and only once SES reports the domain verified do the other stacks
 * deploy (README, "Deploy to AWS").
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import type { HubSettings } from './settings.js';

export interface MailStackProps extends StackProps {
  settings: HubSettings;
}

export class MailStack extends Stack {
  readonly identity: EmailIdentity;

  constructor(scope: Construct, id: string, props: MailStackProps) {
    super(scope, id, props);
    this.identity = new EmailIdentity(this, 'MailIdentity', {
      identity: Identity.domain(props.settings.mailDomain),
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `MailDkimRecord${index + 1}`, {
        description: 'Publish in DNS: CNAME name = value',
        value: `${record.name} = ${record.value}`,
      });
    });
  }
}
