// Outgoing mail over SMTP (nodemailer), one transport per gateway.yaml smtp setting.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Gateway } from '../policies/model.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const transports = new WeakMap<NonNullable<Gateway['smtp']>, Transporter>();

/** Sends a mail; throws when gateway.yaml has no smtp section. */
export async function sendMail(gateway: Gateway, mail: Mail): Promise<void> {
  const smtp = gateway.smtp;
  if (!smtp) throw new TypeError('"smtp" must be set in gateway.yaml to send mail');
  let transport = transports.get(smtp);
  if (!transport) {
    const auth = smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined;
    transport = nodemailer.createTransport({ url: smtp.url, auth, pool: true, maxConnections: 2 } as nodemailer.TransportOptions);
    transports.set(smtp, transport);
  }
  await transport.sendMail({ from: smtp.from, ...mail });
}
