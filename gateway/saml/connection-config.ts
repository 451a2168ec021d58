// A SAML connection as the adapter uses it: the policy's `saml` block with its
// defaults applied, PEMs read, and the IdP metadata (when configured) filled in.
import { durationMs, type Policies } from '../../policies/model.js';
import { idpMetadata } from './read-idp-metadata.js';
import { readPem } from './read-pem.js';
import { samlRefusal } from './refusals.js';

export interface SamlConnection {
  id: string;
  spEntityId: string;
  acsUrl: string;
  spSloUrl: string;
  idpEntityId: string;
  ssoUrl: string;
  idpSloUrl: string | null;
  idpCertificates: string[];
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  signing: { key: string; cert: string | null } | null;
  decryption: { key: string; cert: string | null } | null;
  idpInitiated: boolean;
  allowSha1: boolean;
  clockSkewMs: number;
  emailAttribute: string | null;
  nameAttribute: string | null;
  groupsAttribute: string | null;
  maxBody: number;
}

const DEFAULT_MAX_BODY = 262_144;

/** The connection's SAML settings; throws saml-unknown-connection for anything but a SAML connection. */
export async function samlConnection(policies: Policies, id: string): Promise<SamlConnection> {
  const found = policies.connection(id);
  const saml = found?.connection.type === 'saml' ? found.connection.saml : undefined;
  if (!saml) throw samlRefusal('saml-unknown-connection', `no SAML connection ${id}`, 404);
  const base = `${policies.gateway.publicUrl.replace(/\/$/, '')}/sso/saml/${encodeURIComponent(id)}`;
  const pem = (value: string) => readPem(value, policies.dir);
  const metadata = saml.idp_metadata
    ? await idpMetadata(saml.idp_metadata, durationMs(saml.idp_metadata.refresh ?? '24h'), policies.dir).catch((err: Error) => {
        throw samlRefusal('saml-idp-metadata-unavailable', `connection ${id}: ${err.message}`, 502);
      })
    : undefined;

  const idpEntityId = saml.idp_entity_id ?? metadata?.entityId;
  const ssoUrl = saml.sso_url ?? metadata?.ssoUrl;
  const idpCertificates = saml.idp_certificates?.map(pem) ?? metadata?.certificates ?? [];
  if (!idpEntityId || !ssoUrl || idpCertificates.length === 0) {
    throw samlRefusal('saml-connection-misconfigured', `connection ${id} lacks idp_entity_id, sso_url or idp_certificates (and no idp_metadata gives them)`, 500);
  }
  if (saml.sign_requests && !saml.sp_signing_key) {
    throw samlRefusal('saml-connection-misconfigured', `connection ${id} has sign_requests but no sp_signing_key`, 500);
  }
  return {
    id,
    spEntityId: saml.sp_entity_id ?? `${base}/metadata`,
    acsUrl: `${base}/acs`,
    spSloUrl: `${base}/slo`,
    idpEntityId,
    ssoUrl,
    idpSloUrl: saml.slo_url ?? metadata?.sloUrl ?? null,
    idpCertificates,
    wantAssertionsSigned: saml.want_assertions_signed ?? true,
    wantResponseSigned: saml.want_response_signed ?? false,
    signing: saml.sign_requests && saml.sp_signing_key ? { key: pem(saml.sp_signing_key), cert: saml.sp_signing_cert ? pem(saml.sp_signing_cert) : null } : null,
    decryption: saml.sp_decryption_key ? { key: pem(saml.sp_decryption_key), cert: saml.sp_decryption_cert ? pem(saml.sp_decryption_cert) : null } : null,
    idpInitiated: saml.idp_initiated ?? false,
    allowSha1: saml.allow_sha1 ?? false,
    clockSkewMs: durationMs(saml.clock_skew ?? '60s'),
    emailAttribute: saml.email_attribute ?? null,
    nameAttribute: saml.name_attribute ?? null,
    groupsAttribute: saml.groups_attribute ?? null,
    maxBody: saml.max_body ?? DEFAULT_MAX_BODY,
  };
}
