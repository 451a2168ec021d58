// The load driver's HTTP client for login flows: undici over keep-alive connections.
import { Agent, request } from 'undici';

const agent = new Agent({ connections: 64 });

export interface Answer {
  status: number;
  location: string | undefined;
  setCookie: string[];
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(url, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  await res.body.dump();
  const location = res.headers.location;
  return { status: res.statusCode, location: Array.isArray(location) ? location[0] : location, setCookie: asList(res.headers['set-cookie']) };
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(url, { dispatcher: agent, method: 'GET', headers });
  await res.body.dump();
  const location = res.headers.location;
  return { status: res.statusCode, location: Array.isArray(location) ? location[0] : location, setCookie: asList(res.headers['set-cookie']) };
}

export const closeHttp = (): Promise<void> => agent.close();
