// Sign a test user in through the real email sign-up flow (SMTP, link, confirm).
import type { Client } from './browser-ish.js';
import { rememberSecret } from './secrets.js';
import { linkIn, type MailSink } from './smtp.js';

export async function signInByEmail(client: Client, mail: MailSink, email: string, returnTo = '/'): Promise<Response> {
  const start = await client.request('/sso/login', { form: { email, return_to: returnTo } });
  if (start.status !== 200) throw new Error(`sign-up of ${email} refused with ${start.status}`);
  const token = new URL(linkIn(await mail.next(email.toLowerCase()))).searchParams.get('token')!;
  rememberSecret(token);
  const done = await client.request('/sso/verify', { form: { token } });
  if (done.status !== 302) throw new Error(`sign-in of ${email} ended with ${done.status}`);
  return done;
}
