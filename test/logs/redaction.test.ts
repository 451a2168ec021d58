// The logger censors secret-named properties wherever they sit, without touching the
// caller's objects, and leaves everything else as it was.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, redactSecrets } from '../../gateway/log.js';

/** The JSON lines a logger wrote. */
function capture(): { lines: Record<string, unknown>[]; destination: Writable } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('log redaction', () => {
  it('censors secret keys at the top, nested, in arrays and in any letter case', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination });
    log.info(
      {
        password: 'p1',
        token: 't1',
        headers: { Authorization: 'Bearer abc', cookie: 'doorman_session=s1', accept: 'text/html' },
        form: { SAMLResponse: 'PHNhbWxw', RelayState: '/app' },
        deep: { a: { b: { c: { client_secret: 'cs1' } } } },
        list: [{ code: 'c1', state: 'st' }, 'plain'],
        reason: 'login-ok',
      },
      'msg',
    );
    const [line] = lines;
    expect(line.password).to.equal('[redacted]');
    expect(line.token).to.equal('[redacted]');
    expect(line.headers).to.deep.equal({ Authorization: '[redacted]', cookie: '[redacted]', accept: 'text/html' });
    expect(line.form).to.deep.equal({ SAMLResponse: '[redacted]', RelayState: '/app' });
    expect(line.deep).to.deep.equal({ a: { b: { c: { client_secret: '[redacted]' } } } });
    expect(line.list).to.deep.equal([{ code: '[redacted]', state: 'st' }, 'plain']);
    expect(line.reason).to.equal('login-ok');
    expect(JSON.stringify(line)).not.to.match(/p1|t1|abc|s1|PHNhbWxw|cs1|"c1"/);
  });

  it('never changes the objects it was given', () => {
    const headers = { authorization: 'Bearer abc' };
    const fields = { headers, list: [{ token: 'x' }] };
    const redacted = redactSecrets(fields);
    expect(redacted).to.deep.equal({ headers: { authorization: '[redacted]' }, list: [{ token: '[redacted]' }] });
    expect(fields).to.deep.equal({ headers: { authorization: 'Bearer abc' }, list: [{ token: 'x' }] });
  });

  it('passes a line with nothing to hide through as the same object', () => {
    const access = { method: 'GET', route: 'proxy', path: '/api/items', status: 200, ms: 1, nested: { ok: [1, 2] } };
    expect(redactSecrets(access)).to.equal(access);
  });

  it('keeps an error readable while censoring what it carries', () => {
    const err = Object.assign(new Error('upstream said no'), { config: { headers: { authorization: 'Bearer abc' } } });
    const redacted = redactSecrets({ err }).err as unknown as Record<string, unknown>;
    expect(redacted.message).to.equal('upstream said no');
    expect(redacted.stack).to.be.a('string');
    expect(redacted.config).to.deep.equal({ headers: { authorization: '[redacted]' } });
  });

  it('stops at a cycle instead of walking forever', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => redactSecrets(cyclic)).not.to.throw();
  });
});
