// IdP metadata (file or URL): entity ID, SSO and SLO URLs (HTTP-Redirect) and the
// signing certificates. Kept per source and read again after `refresh`.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseStrictXml } from './parse-xml.js';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string | null;
  sloUrl: string | null;
  certificates: string[];
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

const cache = new Map<string, { metadata: IdpMetadata; readAt: number }>();

export async function idpMetadata(source: { file?: string; url?: string }, refreshMs: number, policiesDir: string, now = Date.now()): Promise<IdpMetadata> {
  const key = source.url ?? resolve(policiesDir, source.file ?? '');
  const cached = cache.get(key);
  if (cached && now - cached.readAt < refreshMs) return cached.metadata;
  const xml = source.url ? await fetchText(source.url) : await readFile(key, 'utf8');
  const metadata = parseIdpMetadata(xml);
  cache.set(key, { metadata, readAt: now });
  return metadata;
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`IdP metadata ${url}: HTTP ${res.status}`);
  return res.text();
}

export function parseIdpMetadata(xml: string): IdpMetadata {
  const doc = parseStrictXml(xml);
  const entity = doc.documentElement;
  const idp = entity?.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];
  if (!entity || !idp) throw new Error('IdP metadata has no IDPSSODescriptor');
  const redirectLocation = (tag: string) =>
    [...idp.getElementsByTagNameNS(MD, tag)].find((e) => e.getAttribute('Binding') === REDIRECT)?.getAttribute('Location') ?? null;
  const certificates = [...idp.getElementsByTagNameNS(MD, 'KeyDescriptor')]
    .filter((k) => (k.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((k) => [...k.getElementsByTagNameNS(DS, 'X509Certificate')])
    .map((c) => toPem(c.textContent ?? ''));
  return { entityId: entity.getAttribute('entityID') ?? '', ssoUrl: redirectLocation('SingleSignOnService'), sloUrl: redirectLocation('SingleLogoutService'), certificates };
}

const toPem = (base64: string): string =>
  `-----BEGIN CERTIFICATE-----\n${base64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
