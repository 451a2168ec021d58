// The HTTP steps of a SAML login, as a browser would take them: fetch, manual
// redirects, a cookie jar; the IdP's auto-submitted form read from its HTML.
import { Client } from '../../helpers/browser-ish.js';

export const formFields = (html: string): { action: string; fields: Record<string, string> } => {
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  const action = unescape(/<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescape(m[1]), unescape(m[2])]));
  return { action, fields };
};

/** SP-initiated: gateway login -> IdP login page -> sign in as `user` -> the IdP's POST to the ACS. */
export async function spInitiated(gatewayUrl: string, connectionId: string, user: string, returnTo = '/dashboard') {
  const browser = new Client(gatewayUrl, gatewayUrl);
  const start = await browser.request(`/sso/saml/${connectionId}/login?return_to=${encodeURIComponent(returnTo)}`);
  const idpUrl = start.headers.get('location') ?? '';
  const idpPage = await fetch(idpUrl);
  const login = formFields(await idpPage.text());
  const answer = await fetch(new URL(login.action, idpUrl), { method: 'POST', body: new URLSearchParams({ ...login.fields, user }) });
  const post = formFields(await answer.text());
  const acs = await browser.request(post.action, { form: post.fields, headers: { origin: new URL(idpUrl).origin } });
  return { browser, start, idpUrl, post, acs };
}

/** POSTs a SAMLResponse (and RelayState) to a connection's ACS, from the IdP's origin. */
export async function postToAcs(gatewayUrl: string, connectionId: string, samlResponse: string, relayState?: string) {
  const browser = new Client(gatewayUrl, 'http://idp.example');
  const acs = await browser.request(`/sso/saml/${connectionId}/acs`, { form: { SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) } });
  return { browser, acs };
}
