// The database layer: open, migrate, then use the repositories (the only place SQL lives).
export { openDatabase, redactDbUrl, type Database, type Engine, type OpenOptions } from './connection.js';
export { OpenRequestExists, UniqueViolation } from './errors.js';
export { migrate, migrationStatus, type MigrationStatus } from './migrate.js';
export { createRepositories, type Repos } from './repositories.js';
export type { License } from '../policies/schema.js';
export type { Account, AccountSnapshot, DefaultLicense, Program, Team } from './repositories/accounts.js';
export type { LicenseDecision, NewLicenseDecision } from './repositories/decisions.js';
export type { Identity, NewIdentity } from './repositories/identities.js';
export type { Invitation, InvitationKind, InvitationStatus, NewInvitation } from './repositories/invitations.js';
export type { LicenseRequest, LicenseRequestStatus, NewLicenseRequest } from './repositories/license-requests.js';
export type { LicenseAssignment } from './repositories/licenses.js';
export type { Membership, MembershipSource } from './repositories/memberships.js';
export type { SeatUsage } from './repositories/seats.js';
export type { NewSession, Session, SessionData } from './repositories/sessions.js';
export type { NewUser, ProfileChange, User, UserStatus } from './repositories/users.js';
