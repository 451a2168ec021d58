// Invitations: admins (choosing the license) and, where the account allows it,
// members (the default license). The mail goes out at once with an accept link;
// the license is decided when the person signs in, by the one license decision.
import { createHash, randomBytes } from 'node:crypto';
import type { Invitation } from '../db/index.js';
import { decideLicense } from '../policies/license-decision.js';
import type { Account } from '../policies/model.js';
import type { License } from '../policies/schema.js';
import { sendMail } from './mail.js';
import { escapeHtml } from './pages.js';
import type { Runtime } from './runtime.js';

export const hashInvitationToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface InvitationInput {
  email: string;
  kind: 'admin' | 'member' | 'guest';
  teamId?: string | null;
  license?: License | null;
  invitedBy: string;
}

export type InvitationOutcome =
  | { ok: true; invitation: Invitation; created: boolean; mailed?: boolean }
  | { ok: false; status: 400 | 404 | 409 | 503; error: string; message: string };

const NO_SMTP = { ok: false, status: 503, error: 'smtp-not-configured', message: 'gateway.yaml has no smtp section: invitations cannot be mailed' } as const;

const EMAIL = /^[^@\s"<>]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}$/;

export async function invite(runtime: Runtime, account: Account, input: InvitationInput, now = Date.now()): Promise<InvitationOutcome> {
  const { repos } = runtime;
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) return { ok: false, status: 400, error: 'invalid-email', message: 'email must be an email address' };
  if (input.teamId && !account.teams.some((t) => t.id === input.teamId)) {
    return { ok: false, status: 400, error: 'unknown-team', message: `no team ${input.teamId} in ${account.id}; teams: ${account.teams.map((t) => t.id).join(', ')}` };
  }
  if (input.kind === 'admin') {
    if (!input.license) return { ok: false, status: 400, error: 'license-required', message: 'an admin invitation names the license: full, free or free_restricted' };
    const { used } = await repos.seats.usage(account.id);
    const decision = decideLicense({ route: 'admin-invitation', licensing: account.licensing, freeFullSeats: Math.max(0, account.licensing.seatsFull - used), adminChoice: input.license });
    if (!decision.ok) return { ok: false, status: decision.refusal === 'no-full-seat-left' ? 409 : 400, error: decision.refusal, message: decision.message };
  }
  if (input.kind !== 'guest' && (await repos.users.findByEmail(account.id, email))) {
    return { ok: false, status: 409, error: 'already-a-user', message: `${email} is a user of ${account.id} already` };
  }
  const same = (await repos.invitations.findPendingByEmail(account.id, email, now)).find((i) => (i.kind === 'guest') === (input.kind === 'guest'));
  if (same) return { ok: true, invitation: same, created: false };
  if (input.kind !== 'guest' && !runtime.policies().gateway.smtp) return NO_SMTP;

  const token = randomBytes(32).toString('base64url');
  const invitation = await repos.invitations.create({
    accountId: account.id,
    email,
    teamId: input.teamId ?? null,
    license: input.kind === 'admin' ? input.license : null,
    kind: input.kind,
    invitedBy: input.invitedBy,
    tokenHash: input.kind === 'guest' ? null : hashInvitationToken(token),
    createdAt: now,
    expiresAt: now + account.invitations.expireAfterMs,
  });
  if (input.kind === 'guest') return { ok: true, invitation, created: true };
  return { ok: true, invitation, created: true, mailed: await sendInvitation(runtime, account, invitation, token) };
}

/** A new link and a new expiry, mailed again. */
export async function resendInvitation(runtime: Runtime, account: Account, id: string, now = Date.now()): Promise<InvitationOutcome> {
  const invitation = await runtime.repos.invitations.get(id);
  if (!invitation || invitation.accountId !== account.id || invitation.kind === 'guest') return { ok: false, status: 404, error: 'not-found', message: 'no such invitation' };
  if (!runtime.policies().gateway.smtp) return NO_SMTP;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + account.invitations.expireAfterMs;
  if (!(await runtime.repos.invitations.renew(id, hashInvitationToken(token), expiresAt))) {
    return { ok: false, status: 409, error: 'not-pending', message: `the invitation is ${invitation.status}` };
  }
  const renewed = { ...invitation, expiresAt };
  return { ok: true, invitation: renewed, created: false, mailed: await sendInvitation(runtime, account, renewed, token) };
}

/** Mails the accept link; false (logged) when the mail server refused: the admin can resend. */
async function sendInvitation(runtime: Runtime, account: Account, invitation: Invitation, token: string): Promise<boolean> {
  const gateway = runtime.policies().gateway;
  const link = `${gateway.publicUrl}/sso/invitations/accept?token=${token}`;
  const days = Math.max(1, Math.round(account.invitations.expireAfterMs / 86_400_000));
  const sent = sendMail(gateway, {
    to: invitation.emailLower,
    subject: `You are invited to ${account.name}`,
    text: `You are invited to join ${account.name}. Accept the invitation: ${link}\n\nThe link works for ${days} days.`,
    html: `<p>You are invited to join ${escapeHtml(account.name)}.</p><p><a href="${escapeHtml(link)}">Accept the invitation</a></p><p>The link works for ${days} days.</p>`,
  });
  return sent.then(
    () => {
      runtime.log.info({ reason: 'invitation-sent', account: account.id, kind: invitation.kind, invitation: invitation.id }, 'invitation sent');
      return true;
    },
    (err: Error) => {
      runtime.log.error({ reason: 'invitation-mail-failed', account: account.id, invitation: invitation.id, err: err.message }, 'invitation not mailed');
      return false;
    },
  );
}
