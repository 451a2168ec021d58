// The OIDC baseline (child process, like the gateway): openid-client's token request plus
// ID token verification alone (authorizationCodeGrant, signature checked against the
// provider's JWKS as the gateway does), for callback URLs minted by the bench process.
// Reads a JSON job on stdin, prints `RESULT <ms>` for the timed items.
import * as client from 'openid-client';

export interface BaselineItem {
  callback: string;
  verifier: string;
  state: string;
  nonce: string;
}

export interface BaselineJob {
  issuer: string;
  clientId: string;
  clientSecret: string;
  concurrency: number;
  /** Untimed first (discovery, JWKS, JIT), then timed. */
  warmup: BaselineItem[];
  items: BaselineItem[];
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const job = JSON.parse(input) as BaselineJob;
  const config = await client.discovery(new URL(job.issuer), job.clientId, { id_token_signed_response_alg: 'RS256' }, client.ClientSecretBasic(job.clientSecret), {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
  const redeem = async (item: BaselineItem) => {
    const tokens = await client.authorizationCodeGrant(config, new URL(item.callback), {
      pkceCodeVerifier: item.verifier,
      expectedState: item.state,
      expectedNonce: item.nonce,
      idTokenExpected: true,
    });
    if (!tokens.claims()?.sub) throw new Error('no ID token claims');
  };
  for (const item of job.warmup) await redeem(item);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.items.length) await redeem(job.items[next++]);
    }),
  );
  console.log(`RESULT ${performance.now() - started}`);
}

await main();
