// The reverse proxy end to end: `doorman serve` in a child process, a real upstream
// node:http server, real HTTP and WebSocket clients.
import { expect } from 'chai';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import WebSocket from 'ws';
import { createRepositories, openDatabase, type Database, type Repos } from '../../db/index.js';
import { serve, type Served } from '../helpers/cli.js';
import { testAccount, writePolicies } from '../helpers/policies.js';
import { createTestSession, type TestSession } from '../helpers/session.js';
import { startUpstream, type Echo, type TestUpstream } from '../helpers/upstream.js';

const PUBLIC = 'https://app.example.test';
const MiB = 1024 * 1024;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('reverse proxy', function () {
  this.timeout(20_000);
  let tmp: string;
  let upstream: TestUpstream;
  let gw: Served;
  let db: Database;
  let repos: Repos;
  let ann: TestSession;
  let rita: TestSession;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'doorman-proxy-'));
    upstream = await startUpstream();
    const policies = writePolicies(
      {
        public_url: PUBLIC,
        upstream_url: upstream.url,
        data_dir: join(tmp, 'data'),
        proxy: { response_timeout: '1s' },
        restrictions: { account_creation: ['POST /signup'] },
      },
      [testAccount('acme', 'acme.test', { teams: [{ id: 'everyone', name: 'Everyone', default: true }, { id: 'eng', name: 'Engineering' }] })],
    );
    const dbUrl = `sqlite:${join(tmp, 'gw.sqlite')}`;
    gw = await serve(['--policies', policies, '--db', dbUrl]);
    db = await openDatabase(dbUrl);
    repos = createRepositories(db.knex);
    ann = await createTestSession(repos, { accountId: 'acme', email: 'ann@acme.test', name: 'Ann Öberg', teams: ['everyone', 'eng'] });
    rita = await createTestSession(repos, { accountId: 'acme', email: 'rita@acme.test', name: null, license: 'free_restricted', teams: ['everyone'], restricted: true });
  });

  after(async () => {
    await gw?.stop();
    await db?.close();
    await upstream?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const cookieOf = (session: TestSession) => `doorman_session=${session.cookie}`;

  /** One request over node:http (which, unlike fetch, sends any header as given). */
  const call = (path: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(`${gw.url}${path}`, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject).end(options.body);
    });
  const echoOf = (reply: Reply): Echo => {
    expect(reply.status, reply.body).to.equal(200);
    return JSON.parse(reply.body) as Echo;
  };
  const reasonsLogged = () => gw.logs.map((line) => (JSON.parse(line) as { reason?: string }).reason).filter(Boolean);
  const jwks = () => createRemoteJWKSet(new URL('/.well-known/jwks.json', gw.url));

  describe('identity', () => {
    it('removes every X-Doorman-* header the client sent, in any case, and adds the gateway’s', async () => {
      const echo = echoOf(
        await call('/app/page?q=1', {
          headers: {
            Cookie: cookieOf(ann),
            'X-Doorman-User': ['forged-user', 'another'],
            'x-doorman-email': 'boss@acme.test',
            'X-DOORMAN-ASSERTION': 'forged.jwt.value',
            'x-DoOrMaN-teams': 'admins',
            'X-Doorman-Extra': 'anything',
          },
        }),
      );
      expect(echo.url).to.equal('/app/page?q=1');
      const doorman = echo.rawHeaders.filter((_, i) => i % 2 === 0 && echo.rawHeaders[i].toLowerCase().startsWith('x-doorman-'));
      expect(doorman.map((h) => h.toLowerCase()).sort()).to.deep.equal(
        ['x-doorman-account', 'x-doorman-assertion', 'x-doorman-email', 'x-doorman-license', 'x-doorman-name', 'x-doorman-teams', 'x-doorman-user'],
      );
      expect(echo.headers['x-doorman-user']).to.equal(ann.userId);
      expect(echo.headers['x-doorman-email']).to.equal('ann@acme.test');
      expect(echo.headers['x-doorman-name']).to.equal("UTF-8''Ann%20%C3%96berg");
      expect(decodeURIComponent(String(echo.headers['x-doorman-name']).slice("UTF-8''".length))).to.equal('Ann Öberg');
      expect(echo.headers['x-doorman-account']).to.equal('acme');
      expect(echo.headers['x-doorman-teams']).to.equal('everyone,eng');
      expect(echo.headers['x-doorman-license']).to.equal('full');
    });

    it('omits X-Doorman-Name when the user has no name', async () => {
      const echo = echoOf(await call('/', { headers: { cookie: cookieOf(rita) } }));
      expect(echo.headers).to.not.have.property('x-doorman-name');
      expect(echo.headers['x-doorman-license']).to.equal('free_restricted');
    });

    it('signs X-Doorman-Assertion so the upstream can verify it with the published JWKS', async () => {
      const echo = echoOf(await call('/', { headers: { cookie: cookieOf(ann) } }));
      const { payload, protectedHeader } = await jwtVerify(String(echo.headers['x-doorman-assertion']), jwks(), { issuer: PUBLIC, audience: upstream.url });
      expect(protectedHeader.alg).to.equal('ES256');
      expect(protectedHeader.kid).to.be.a('string').and.not.empty;
      expect(payload).to.include({ sub: ann.userId, email: 'ann@acme.test', name: 'Ann Öberg', account: 'acme', license: 'full' });
      expect(payload.teams).to.deep.equal(['everyone', 'eng']);
      expect(payload.exp! - payload.iat!).to.equal(60);
    });

    it('publishes the public key only, cacheable', async () => {
      const reply = await call('/.well-known/jwks.json');
      expect(reply.status).to.equal(200);
      expect(reply.headers['cache-control']).to.match(/^public, max-age=\d+$/);
      const { keys } = JSON.parse(reply.body) as { keys: Record<string, string>[] };
      expect(keys).to.have.length(1);
      expect(keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(keys[0]).to.have.property('kid');
      expect(keys[0]).to.not.have.property('d');
      const file = join(tmp, 'data', 'identity-signing-key.pem');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('an assertion signed by anyone else, or altered, fails verification', async () => {
      const echo = echoOf(await call('/', { headers: { cookie: cookieOf(ann) } }));
      const real = String(echo.headers['x-doorman-assertion']);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...decodeJwt(real) })
        .setProtectedHeader(decodeProtectedHeader(real) as { alg: string })
        .sign(privateKey);
      const [header, , signature] = real.split('.');
      const altered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(real), license: 'full', sub: 'someone-else' })).toString('base64url')}.${signature}`;
      for (const token of [forged, altered]) {
        const err = await jwtVerify(token, jwks(), { issuer: PUBLIC, audience: upstream.url }).catch((e: Error & { code?: string }) => e);
        expect(err).to.be.instanceOf(Error);
        expect((err as { code?: string }).code).to.equal('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
      }
    });

    it('reuses the signed assertion within its window instead of signing per request', async () => {
      const first = echoOf(await call('/a', { headers: { cookie: cookieOf(ann) } }));
      const second = echoOf(await call('/b', { headers: { cookie: cookieOf(ann) } }));
      expect(second.headers['x-doorman-assertion']).to.equal(first.headers['x-doorman-assertion']);
      const other = echoOf(await call('/c', { headers: { cookie: cookieOf(rita) } }));
      expect(other.headers['x-doorman-assertion']).to.not.equal(first.headers['x-doorman-assertion']);
    });
  });

  describe('forwarding', () => {
    it('sets X-Forwarded-For (appended), -Proto and -Host from the public URL, whatever the client claimed', async () => {
      const echo = echoOf(
        await call('/', { headers: { cookie: cookieOf(ann), 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'http' } }),
      );
      expect(echo.headers['x-forwarded-for']).to.equal('203.0.113.7, 127.0.0.1');
      expect(echo.headers['x-forwarded-proto']).to.equal('https');
      expect(echo.headers['x-forwarded-host']).to.equal('app.example.test');
      expect(echo.headers.host).to.equal(`127.0.0.1:${upstream.port}`);
      const direct = echoOf(await call('/', { headers: { cookie: cookieOf(ann) } }));
      expect(direct.headers['x-forwarded-for']).to.equal('127.0.0.1');
    });

    it('drops hop-by-hop headers and the gateway’s session cookie, keeps the rest', async () => {
      const echo = echoOf(
        await call('/', {
          headers: { cookie: `theme=dark; ${cookieOf(ann)}; lang=de`, connection: 'keep-alive, x-hop', 'x-hop': 'secret', te: 'trailers', 'x-app': 'kept', authorization: 'Bearer app-token' },
        }),
      );
      expect(echo.headers.cookie).to.equal('theme=dark; lang=de');
      expect(echo.headers).to.not.have.property('x-hop');
      expect(echo.headers).to.not.have.property('te');
      expect(echo.headers['x-app']).to.equal('kept');
      expect(echo.headers.authorization).to.equal('Bearer app-token');
    });

    it('keeps connections alive on both sides', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = upstream.connections;
        const reused: boolean[] = [];
        for (let i = 0; i < 5; i++) {
          await new Promise<void>((resolve, reject) => {
            const req = request(`${gw.url}/k${i}`, { agent, headers: { cookie: cookieOf(ann) } }, (res) => {
              reused.push(req.reusedSocket);
              res.resume().on('end', resolve);
            });
            req.on('error', reject).end();
          });
        }
        expect(reused).to.deep.equal([false, true, true, true, true]);
        expect(upstream.connections - before).to.be.at.most(1);
      } finally {
        agent.destroy();
      }
    });

    it('answers HEAD with the upstream’s headers and no body', async () => {
      const reply = await call('/stream?bytes=12345', { method: 'HEAD', headers: { cookie: cookieOf(ann) } });
      expect(reply.status).to.equal(200);
      expect(reply.headers['content-length']).to.equal('12345');
      expect(reply.body).to.equal('');
    });

    it('streams request bodies and relays the upstream’s status and headers, Set-Cookie included', async () => {
      const reply = await call('/form', { method: 'PUT', headers: { cookie: cookieOf(ann), 'content-type': 'text/plain' }, body: 'x'.repeat(100_000) });
      const echo = echoOf(reply);
      expect(echo.method).to.equal('PUT');
      expect(echo.bodyBytes).to.equal(100_000);
      expect(reply.headers['set-cookie']).to.deep.equal(['app_session=upstream; Path=/']);
    });
  });

  describe('without a session', () => {
    it('sends browsers to the login page with the way back', async () => {
      const hits = upstream.hits;
      const reply = await call('/reports/q3?team=eng&x=%C3%A4', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(reply.status).to.equal(302);
      expect(reply.headers.location).to.equal(`/sso/login?return_to=${encodeURIComponent('/reports/q3?team=eng&x=%C3%A4')}`);
      expect(upstream.hits).to.equal(hits);
    });

    it('answers API clients 401 JSON', async () => {
      const hits = upstream.hits;
      const cases: { method?: string; headers: OutgoingHttpHeaders }[] = [
        { headers: { accept: 'application/json' } },
        { headers: { accept: 'application/json, text/plain, */*' } },
        { headers: { 'x-requested-with': 'XMLHttpRequest' } },
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        { headers: { accept: 'application/json', cookie: 'theme=dark' } },
      ];
      for (const { method, headers } of cases) {
        const reply = await call('/api/items', { method, headers });
        expect(reply.status, JSON.stringify(headers)).to.equal(401);
        expect(JSON.parse(reply.body)).to.deep.equal({ error: 'unauthenticated', login: '/sso/login' });
      }
      expect(upstream.hits).to.equal(hits);
    });
  });

  describe('restricted users', () => {
    it('refuses the account-creation routes to users of auto_join_exclusive domains, with a page or JSON', async () => {
      const page = await call('/signup', { method: 'POST', headers: { cookie: cookieOf(rita), accept: 'text/html' }, body: 'name=x' });
      expect(page.status).to.equal(403);
      expect(page.headers['content-type']).to.match(/^text\/html/);
      expect(page.body).to.contain('administrators, not you, create accounts');
      for (const path of ['/signup', '/signup/team', '//SignUp/', '/%73ignup']) {
        const reply = await call(path, { method: 'POST', headers: { cookie: cookieOf(rita), accept: 'application/json' } });
        expect(reply.status, path).to.equal(403);
        expect(JSON.parse(reply.body)).to.have.property('error', 'restricted-account-creation');
      }
      expect(reasonsLogged()).to.include('restricted-account-creation');
    });

    it('lets them through elsewhere, and lets other users sign up', async () => {
      expect(echoOf(await call('/signup', { headers: { cookie: cookieOf(rita) } })).method).to.equal('GET');
      expect(echoOf(await call('/signups', { method: 'POST', headers: { cookie: cookieOf(rita) } })).url).to.equal('/signups');
      expect(echoOf(await call('/signup', { method: 'POST', headers: { cookie: cookieOf(ann) } })).url).to.equal('/signup');
    });
  });

  describe('upstream failures', () => {
    it('answers 502 while the upstream is down, and recovers when it is back', async () => {
      await upstream.stop();
      try {
        const page = await call('/', { headers: { cookie: cookieOf(ann), accept: 'text/html' } });
        expect(page.status).to.equal(502);
        expect(page.headers['content-type']).to.match(/^text\/html/);
        const api = await call('/api', { headers: { cookie: cookieOf(ann), accept: 'application/json' } });
        expect(api.status).to.equal(502);
        expect(JSON.parse(api.body)).to.have.property('error', 'upstream-unreachable');
      } finally {
        await upstream.start();
      }
      echoOf(await call('/', { headers: { cookie: cookieOf(ann) } }));
      expect(reasonsLogged()).to.include('upstream-unreachable');
    });

    it('answers 504 when the upstream takes longer than proxy.response_timeout, and serves the next request', async () => {
      const started = Date.now();
      const slow = await call('/sleep?ms=3000', { headers: { cookie: cookieOf(ann), accept: 'application/json' } });
      expect(slow.status).to.equal(504);
      expect(JSON.parse(slow.body)).to.have.property('error', 'upstream-timeout');
      expect(Date.now() - started).to.be.within(900, 2500);
      echoOf(await call('/sleep?ms=10', { headers: { cookie: cookieOf(ann) } }));
      expect(reasonsLogged()).to.include('upstream-timeout');
    });

    it('never logs cookies or identity headers', () => {
      const logs = gw.logs.join('\n');
      for (const secret of [ann.cookie, rita.cookie, 'forged.jwt.value']) expect(logs).to.not.contain(secret);
    });
  });

  describe('streaming', () => {
    const SIZE = 256 * MiB;
    const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
    /** The gateway's RSS growth (bytes) while fn runs, sampled every 20 ms. */
    const rssGrowthDuring = async <T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> => {
      const pid = gw.child.pid!;
      const baseline = rssOf(pid);
      let peak = baseline;
      const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
      try {
        return { result: await fn(), growth: peak - baseline };
      } finally {
        clearInterval(timer);
      }
    };

    it('uploads 256 MB through the gateway with flat memory, every byte arriving', async function () {
      this.timeout(30_000);
      const chunk = Buffer.alloc(MiB, 'u');
      const { result, growth } = await rssGrowthDuring(
        () =>
          new Promise<Reply>((resolve, reject) => {
            const req = request(`${gw.url}/upload`, { method: 'POST', headers: { cookie: cookieOf(ann), 'content-type': 'application/octet-stream', 'content-length': SIZE } }, (res) => {
              let body = '';
              res.setEncoding('utf8').on('data', (d: string) => (body += d));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
            });
            req.on('error', reject);
            void (async () => {
              for (let sent = 0; sent < SIZE; sent += chunk.length) if (!req.write(chunk)) await once(req, 'drain');
              req.end();
            })();
          }),
      );
      expect(echoOf(result).bodyBytes).to.equal(SIZE);
      console.log(`      gateway RSS growth during a 256 MB upload: ${(growth / MiB).toFixed(1)} MB`);
      expect(growth).to.be.below(100 * MiB);
    });

    it('downloads 256 MB through the gateway with flat memory, every byte arriving', async function () {
      this.timeout(30_000);
      const { result, growth } = await rssGrowthDuring(
        () =>
          new Promise<number>((resolve, reject) => {
            request(`${gw.url}/stream?bytes=${SIZE}`, { headers: { cookie: cookieOf(ann) } }, (res) => {
              let bytes = 0;
              res.on('data', (d: Buffer) => (bytes += d.length)).on('end', () => resolve(bytes)).on('error', reject);
            })
              .on('error', reject)
              .end();
          }),
      );
      expect(result).to.equal(SIZE);
      console.log(`      gateway RSS growth during a 256 MB download: ${(growth / MiB).toFixed(1)} MB`);
      expect(growth).to.be.below(100 * MiB);
    });

    it('aborts the upstream request when the client goes away', async () => {
      const cut = upstream.streamsCut;
      await new Promise<void>((resolve, reject) => {
        const req = request(`${gw.url}/stream?bytes=${SIZE}`, { headers: { cookie: cookieOf(ann) } }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err))).end();
      });
      for (let i = 0; i < 100 && upstream.streamsCut === cut; i++) await new Promise((r) => setTimeout(r, 20));
      expect(upstream.streamsCut).to.equal(cut + 1);
      echoOf(await call('/', { headers: { cookie: cookieOf(ann) } }));
    });
  });

  describe('WebSocket', () => {
    const wsUrl = (path: string) => `${gw.url.replace(/^http/, 'ws')}${path}`;

    it('tunnels an authenticated upgrade with the identity headers, the client’s own stripped', async () => {
      const ws = new WebSocket(wsUrl('/live?room=1'), { headers: { cookie: cookieOf(ann), 'X-Doorman-User': 'forged', 'x-doorman-license': 'full' } });
      try {
        await once(ws, 'open');
        ws.send('hello');
        const [text] = (await once(ws, 'message')) as [Buffer];
        expect(text.toString()).to.equal('hello');
        ws.send(Buffer.from([1, 2, 3]));
        const [binary] = (await once(ws, 'message')) as [Buffer];
        expect([...binary]).to.deep.equal([1, 2, 3]);
        const headers = upstream.lastUpgrade!;
        expect(headers['x-doorman-user']).to.equal(ann.userId);
        expect(headers['x-doorman-license']).to.equal('full');
        expect(headers['x-forwarded-for']).to.equal('127.0.0.1');
        await jwtVerify(String(headers['x-doorman-assertion']), jwks(), { issuer: PUBLIC, audience: upstream.url });
      } finally {
        ws.close();
      }
    });

    it('refuses an unauthenticated upgrade with 401 and closes the socket', async () => {
      const hits = upstream.hits;
      const ws = new WebSocket(wsUrl('/live'), { headers: { cookie: 'doorman_session=nope' } });
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
      expect(res.statusCode).to.equal(401);
      let body = '';
      for await (const chunk of res) body += String(chunk);
      expect(JSON.parse(body)).to.deep.equal({ error: 'unauthenticated', login: '/sso/login' });
      expect(upstream.hits).to.equal(hits);
    });

    it('relays an upstream that refuses the upgrade', async () => {
      const ws = new WebSocket(wsUrl('/ws-refused'), { headers: { cookie: cookieOf(ann) } });
      const [, res] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
      expect(res.statusCode).to.equal(403);
      let body = '';
      for await (const chunk of res) body += String(chunk);
      expect(body).to.equal('refused');
    });

    it('stops on SIGTERM even with a WebSocket open', async () => {
      const ws = new WebSocket(wsUrl('/live'), { headers: { cookie: cookieOf(ann) } });
      await once(ws, 'open');
      const closed = once(ws, 'close');
      expect(await gw.stop()).to.equal(0);
      await closed;
    });
  });
});
