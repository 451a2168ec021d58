// What a login produces, whatever the protocol: the normalized identity that
// provisioning and sessions take. Read only from a verified assertion or token.
export interface NormalizedIdentity {
  protocol: 'saml' | 'oidc' | 'email';
  /** The connection the login came through; null for email sign-up. */
  connectionId: string | null;
  /** IdP entity ID, OIDC issuer, or `doorman:email` for email sign-up. */
  issuer: string;
  /** NameID or `sub`: with issuer, the key of the user's identity. Never the email alone. */
  subject: string;
  /** Lowercased; null when the IdP sent none or it is not verified. */
  email: string | null;
  name: string | null;
  /** IdP groups; null when the IdP sent none. */
  groups: string[] | null;
  /** SAML only: what Single Logout needs. */
  saml?: { nameId: string; nameIdFormat: string | null; sessionIndex: string | null };
}

/** The signed-in user as every request sees it (ctx.state.session). */
export interface ActiveSession {
  /** sha256 (hex) of the cookie value; the cookie itself is never stored. */
  idHash: string;
  userId: string;
  accountId: string;
  email: string;
  name: string | null;
  license: string;
  teams: string[];
  /** The IdP groups of the login (for admin rights by group); empty when none. */
  groups: string[];
  /** Captured by an auto_join_exclusive domain: may not create accounts of their own. */
  restricted: boolean;
  connectionId: string | null;
  /** SAML sessions: what a LogoutRequest to the IdP names. */
  saml?: NormalizedIdentity['saml'];
  createdAt: number;
}
