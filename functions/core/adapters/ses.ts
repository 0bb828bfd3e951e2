import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../ports.js';

/** Sends every automated email from the one configured noreply address. */
export function sesMailer(client: SESClient, settings: { mailFrom: string }): Mailer {
  return {
    async send({ to, subject, text, html }) {
      await client.send(
        new SendEmailCommand({
          Source: settings.mailFrom,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: text, Charset: 'UTF-8' },
              Html: { Data: html, Charset: 'UTF-8' },
            },
          },
        }),
      );
    },
  };
}
