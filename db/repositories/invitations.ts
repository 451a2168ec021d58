// Invitations to join an account, matched to people by email (case-insensitively).
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { License } from '../../policies/schema.js';

export type InvitationKind = 'admin' | 'member' | 'guest';
export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface Invitation {
  id: string;
  accountId: string;
  emailLower: string;
  teamId: string | null;
  license: License | null;
  kind: InvitationKind;
  invitedBy: string | null;
  /** SHA-256 of the invitation link's token, when there is a link. */
  tokenHash: string | null;
  status: InvitationStatus;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
}

export interface NewInvitation {
  accountId: string;
  email: string;
  teamId?: string | null;
  license?: License | null;
  kind: InvitationKind;
  invitedBy?: string | null;
  tokenHash?: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface InvitationsRepository {
  create(invitation: NewInvitation): Promise<Invitation>;
  /** The pending, unexpired invitations for this email in the account, newest first. */
  findPendingByEmail(accountId: string, email: string, now: number): Promise<Invitation[]>;
  /** False when the invitation is not pending (already accepted, revoked or expired). */
  markAccepted(id: string, now: number): Promise<boolean>;
  /** False when the invitation is not pending. */
  revoke(id: string): Promise<boolean>;
  get(id: string): Promise<Invitation | null>;
  findByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** Pending, unexpired invitations of this email in any account, newest first. */
  findPendingAnywhere(email: string, now: number): Promise<Invitation[]>;
  /** The account's invitations, newest first. */
  list(accountId: string): Promise<Invitation[]>;
  /** A pending invitation sent again: a new link and a new expiry. False when not pending. */
  renew(id: string, tokenHash: string, expiresAt: number): Promise<boolean>;
  /** Changes the team or license of a pending invitation (a repeated invitation). */
  update(id: string, change: { teamId?: string | null; license?: License | null }): Promise<boolean>;
}

interface InvitationRow {
  id: string;
  account_id: string;
  email_lower: string;
  team_id: string | null;
  license: License | null;
  kind: InvitationKind;
  invited_by: string | null;
  token_hash: string | null;
  status: InvitationStatus;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  accountId: r.account_id,
  emailLower: r.email_lower,
  teamId: r.team_id,
  license: r.license,
  kind: r.kind,
  invitedBy: r.invited_by,
  tokenHash: r.token_hash,
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
});

export function invitationsRepository(knex: Knex): InvitationsRepository {
  const invitations = () => knex<InvitationRow>('invitations');
  const pending = (id: string) => invitations().where({ id, status: 'pending' });
  return {
    async create(i) {
      const row: InvitationRow = {
        id: randomUUID(),
        account_id: i.accountId,
        email_lower: i.email.toLowerCase(),
        team_id: i.teamId ?? null,
        license: i.license ?? null,
        kind: i.kind,
        invited_by: i.invitedBy ?? null,
        token_hash: i.tokenHash ?? null,
        status: 'pending',
        created_at: i.createdAt,
        expires_at: i.expiresAt,
        accepted_at: null,
      };
      await invitations().insert(row);
      return toInvitation(row);
    },

    async findPendingByEmail(accountId, email, now) {
      const rows = await invitations()
        .where({ account_id: accountId, email_lower: email.toLowerCase(), status: 'pending' })
        .andWhere('expires_at', '>', now)
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
      return rows.map(toInvitation);
    },

    async markAccepted(id, now) {
      return (await pending(id).update({ status: 'accepted', accepted_at: now })) > 0;
    },

    async revoke(id) {
      return (await pending(id).update({ status: 'revoked' })) > 0;
    },

    async get(id) {
      const row = await invitations().where({ id }).first();
      return row ? toInvitation(row) : null;
    },

    async findByTokenHash(tokenHash) {
      const row = await invitations().where({ token_hash: tokenHash }).first();
      return row ? toInvitation(row) : null;
    },

    async findPendingAnywhere(email, now) {
      const rows = await invitations()
        .where({ email_lower: email.toLowerCase(), status: 'pending' })
        .andWhere('expires_at', '>', now)
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
      return rows.map(toInvitation);
    },

    async list(accountId) {
      const rows = await invitations().where({ account_id: accountId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]);
      return rows.map(toInvitation);
    },

    async renew(id, tokenHash, expiresAt) {
      return (await pending(id).update({ token_hash: tokenHash, expires_at: expiresAt })) > 0;
    },

    async update(id, change) {
      const patch: Partial<InvitationRow> = {};
      if (change.teamId !== undefined) patch.team_id = change.teamId;
      if (change.license !== undefined) patch.license = change.license;
      return Object.keys(patch).length === 0 || (await pending(id).update(patch)) > 0;
    },
  };
}
