// The daily digest (request_management.mode: digest): once a UTC day, after
// digest_hour_utc, one gateway process mails the recipients every open license and
// access request of the account. Nothing open: no mail, and the day stays untaken.
import type { Account } from '../policies/model.js';
import { sendMail } from './mail.js';
import { escapeHtml } from './pages.js';
import type { Runtime } from './runtime.js';

const DEFAULT_DIGEST_HOUR_UTC = 8;

/** Sends the digests due at `now`; returns the accounts mailed. */
export async function sendDueDigests(runtime: Runtime, now = Date.now()): Promise<string[]> {
  const sent: string[] = [];
  const date = new Date(now);
  const day = date.toISOString().slice(0, 10);
  for (const account of runtime.policies().accounts) {
    const rm = account.requestManagement;
    if (rm.mode !== 'digest' || date.getUTCHours() < (rm.digest_hour_utc ?? DEFAULT_DIGEST_HOUR_UTC)) continue;
    if (await mailDigest(runtime, account, day, now)) sent.push(account.id);
  }
  return sent;
}

/** Mails the open requests, unless none is open or another process took today's digest. */
async function mailDigest(runtime: Runtime, account: Account, day: string, now: number): Promise<boolean> {
  const { repos } = runtime;
  const gateway = runtime.policies().gateway;
  const licenseRequests = await repos.licenseRequests.listOpen(account.id);
  const accessRequests = await repos.accessRequests.list(account.id, 'open');
  if (licenseRequests.length + accessRequests.length === 0) return false;
  if (!(await repos.requestDigests.claimDay(account.id, day, now))) return false;
  const lines = [
    ...(await Promise.all(licenseRequests.map(async (r) => `${(await repos.users.findById(r.userId))?.email ?? r.userId} asks for a Full license${r.note ? `: ${r.note}` : ''}`))),
    ...accessRequests.map((r) => `${r.email} asks to join`),
  ];
  const link = `${gateway.publicUrl}/admin/requests`;
  for (const to of account.requestManagement.recipients ?? []) {
    await sendMail(gateway, {
      to,
      subject: `${account.name}: ${lines.length} open request${lines.length === 1 ? '' : 's'} (${day})`,
      text: `${lines.map((l) => `- ${l}`).join('\n')}\n\nApprove or deny them: ${link}\n`,
      html: `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p><a href="${escapeHtml(link)}">Approve or deny them</a></p>`,
    }).catch((err: Error) => runtime.log.error({ reason: 'digest-failed', account: account.id, err: err.message }, 'could not mail the digest'));
  }
  runtime.log.info({ reason: 'digest-sent', account: account.id, requests: lines.length }, 'request digest sent');
  return true;
}
