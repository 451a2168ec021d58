// Replays, request by request, the SCIM sequences Entra ID, Okta and OneLogin show in
// their published documentation (fixtures/scim/<source>/NN-<step>.json) against a real
// gateway, asserting each status and the body fields the fixture names.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { gatewayEngines } from '../helpers/gateway-db.js';
import { scim, startScimGateway, type ScimGateway } from './helpers.js';

const ROOT = new URL('../../fixtures/scim/', import.meta.url).pathname;

interface Step {
  request: { method: string; path: string; body?: unknown };
  status: number;
  /** Field path (dots; URN keys whole) -> expected value; null: absent. */
  expect?: Record<string, unknown>;
  /** Variable -> field path of the response, for later steps (${name}). */
  save?: Record<string, string>;
}

const substitute = (text: string, vars: Map<string, string>) => text.replace(/\$\{(\w+)\}/g, (_, name: string) => vars.get(name) ?? `\${${name}}`);

/** The value at a dotted path; keys may contain dots themselves (schema URNs), the longest match wins. */
function at(value: unknown, path: string): unknown {
  if (path === '') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value).filter((k) => path === k || path.startsWith(`${k}.`)).sort((a, b) => b.length - a.length);
  for (const key of keys) {
    const found = at((value as Record<string, unknown>)[key], path.slice(key.length + 1));
    if (found !== undefined) return found;
  }
  return undefined;
}

function withQueryEncoded(path: string): string {
  const [base, query] = path.split(/\?(.*)/s, 2);
  return query === undefined ? base : `${base}?${new URLSearchParams(query).toString()}`;
}

for (const engine of gatewayEngines()) {
  describe(`scim replay of IdP documentation (${engine})`, function () {
    this.timeout(60_000);
    for (const source of readdirSync(ROOT).sort()) {
      describe(source, () => {
        let g: ScimGateway;
        const vars = new Map<string, string>();
        before(async () => (g = await startScimGateway(engine)));
        after(() => g?.close());
        for (const file of readdirSync(`${ROOT}${source}`).sort()) {
          it(file, async () => {
            const step = JSON.parse(substitute(readFileSync(`${ROOT}${source}/${file}`, 'utf8'), vars)) as Step;
            const res = await scim(g.gw, step.request.method, withQueryEncoded(step.request.path), step.request.body);
            expect(res.status, JSON.stringify(res.body)).to.equal(step.status);
            for (const [path, expected] of Object.entries(step.expect ?? {})) {
              expect(at(res.body, path), `${path} in ${JSON.stringify(res.body)}`).to.deep.equal(expected === null ? undefined : expected);
            }
            for (const [name, path] of Object.entries(step.save ?? {})) vars.set(name, String(at(res.body, path)));
          });
        }
      });
    }
  });
}
