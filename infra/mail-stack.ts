/**
 * The noreply address's domain as an SES identity, in a stack of its own: Cognito refuses a
 * sender whose identity is not yet verified, so this is deployed first, its DKIM and MAIL
 * FROM records are published in DNS, and only once SES reports the domain verified do the
 * other stacks deploy (README, "Deploy to AWS").
 *
 * Bounces and complaints (issue 12 item 2): a configuration set, the identity's default and
 * Cognito's, that keeps bounced and complaining addresses on the account-level suppression
 * list and publishes bounce and complaint events to an SNS topic; HubStateless subscribes
 * the function that marks the users. Mail goes out from a MAIL FROM subdomain
 * (`mail.<hub:mailDomain>`), so SPF aligns with the sender's domain.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { HubSettings } from './settings.js';

export interface MailStackProps extends StackProps {
  settings: HubSettings;
}

/** The configuration set's name, fixed so that Cognito (another stack) can name it. */
export const configurationSetName = 'school-support-hub';
/** The MAIL FROM subdomain of hub:mailDomain. */
export const mailFromSubdomain = 'mail';

export class MailStack extends Stack {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  /** SES's bounce and complaint events. */
  readonly mailEvents: Topic;

  constructor(scope: Construct, id: string, props: MailStackProps) {
    super(scope, id, props);
    const { mailDomain } = props.settings;
    const mailFromDomain = `${mailFromSubdomain}.${mailDomain}`;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName,
      // The account-level suppression list, for both reasons: SES stops sending to an
      // address that bounced or complained, whatever the sender.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.mailEvents = new Topic(this, 'MailEvents', {
      displayName: 'School Support Hub: SES bounces and complaints',
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.mailEvents),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.identity = new EmailIdentity(this, 'MailIdentity', {
      identity: Identity.domain(mailDomain),
      configurationSet: this.configurationSet,
      mailFromDomain,
      // Refuse to send rather than fall back to amazonses.com when the MX record is missing:
      // a fallback would fail DMARC alignment silently.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.REJECT_MESSAGE,
    });
    this.identity.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `MailDkimRecord${index + 1}`, {
        description: 'Publish in DNS: CNAME name = value',
        value: `${record.name} = ${record.value}`,
      });
    });
    new CfnOutput(this, 'MailFromMxRecord', {
      description: 'Publish in DNS: MX name = priority value',
      value: `${mailFromDomain} = 10 feedback-smtp.${this.region}.amazonses.com`,
    });
    new CfnOutput(this, 'MailFromSpfRecord', {
      description: 'Publish in DNS: TXT name = value',
      value: `${mailFromDomain} = "v=spf1 include:amazonses.com ~all"`,
    });
    new CfnOutput(this, 'MailEventsTopicArn', { value: this.mailEvents.topicArn });
  }
}
