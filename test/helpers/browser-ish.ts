// fetch with a cookie jar and manual redirects: a browser's HTTP, minus the browser.
import { rememberSecret } from './secrets.js';

export class Client {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly base: string,
    /** Sent as Origin on unsafe methods, as a browser would. */
    readonly origin: string,
  ) {}

  async request(path: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    let body = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin')) headers.set('origin', this.origin);
    const res = await fetch(new URL(path, this.base), { ...init, method, headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else {
        this.cookies.set(name, value);
        rememberSecret(value);
      }
    }
    return res;
  }
}
