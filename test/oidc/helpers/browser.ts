// A minimal browser for HTTP-level tests: a cookie jar per origin and manual redirects.
export interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  get(url: string): Promise<Hop> {
    return this.request(url);
  }

  /** Submits a form (application/x-www-form-urlencoded). */
  post(url: string, form: Record<string, string>): Promise<Hop> {
    return this.request(url, new URLSearchParams(form));
  }

  private async request(url: string, form?: URLSearchParams): Promise<Hop> {
    const { origin } = new URL(url);
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const headers: Record<string, string> = cookies ? { cookie: cookies } : {};
    const res = await fetch(url, { method: form ? 'POST' : 'GET', body: form, redirect: 'manual', headers });
    const setCookie = res.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair.trim().split('=');
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      this.jar.set(origin, jar);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value.join('=') === '';
      if (expired) jar.delete(name);
      else jar.set(name, value.join('='));
    }
    const location = res.headers.get('location');
    return { url, status: res.status, location: location && new URL(location, url).href, setCookie, body: await res.text() };
  }

  /**
   * Follows redirects from `url` until `stop` says so (or a non-redirect answer);
   * returns that hop without requesting it when `stop` matched its URL.
   */
  async follow(url: string, stop: (url: string) => boolean = () => false, max = 15): Promise<{ stoppedAt: string | null; last: Hop }> {
    let current = url;
    for (let i = 0; i < max; i++) {
      const hop = await this.get(current);
      if (!hop.location || hop.status < 300 || hop.status >= 400) return { stoppedAt: null, last: hop };
      if (stop(hop.location)) return { stoppedAt: hop.location, last: hop };
      current = hop.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}
