// The connection to the upstream app, shared by the HTTP proxy, the WebSocket proxy
// and the JWKS route: one keep-alive undici Agent and the identity signer.
import type { Duplex } from 'node:stream';
import { Agent } from 'undici';
import type { Gateway } from '../../policies/model.js';
import { loadSigningKey, type SigningKey } from '../identity-token.js';
import type { Runtime } from '../runtime.js';
import type { ForwardedFor } from './forward-headers.js';
import { IdentityHeaders } from './identity-headers.js';

export interface Upstream {
  agent: Agent;
  signingKey: SigningKey;
  identity: IdentityHeaders;
  /** Where requests go and what X-Forwarded-* say, for the policies in force. */
  target(gateway: Gateway): Target;
  /** Keeps an upgraded (WebSocket) connection until it closes, so that close() can end it. */
  track(socket: Duplex): void;
  /** Ends open tunnels, then closes the Agent once its requests are over. */
  close(): Promise<void>;
}

export interface Target {
  origin: string;
  /** The upstream URL's path without its trailing slash ('' for the root), put before every request path. */
  basePath: string;
  forwarded: ForwardedFor;
}

/**
 * Loads (or generates) the signing key and opens the Agent. Call once per process, at start:
 * the connect timeout and the signing key are read here, a policy reload changes neither.
 */
export function createUpstream(runtime: Runtime): Upstream {
  const { gateway } = runtime.policies();
  const signingKey = loadSigningKey(gateway);
  const agent = new Agent({ connect: { timeout: gateway.proxy.connectTimeoutMs } });
  const tunnels = new Set<Duplex>();
  let last: { gateway: Gateway; target: Target } | undefined;
  return {
    agent,
    signingKey,
    identity: new IdentityHeaders(signingKey),
    target(current) {
      if (last?.gateway !== current) last = { gateway: current, target: targetOf(current) };
      return last.target;
    },
    track(socket) {
      tunnels.add(socket);
      socket.once('close', () => tunnels.delete(socket));
    },
    close() {
      for (const socket of tunnels) socket.destroy();
      return agent.close();
    },
  };
}

function targetOf(gateway: Gateway): Target {
  const upstream = new URL(gateway.upstreamUrl);
  const publicUrl = new URL(gateway.publicUrl);
  return {
    origin: upstream.origin,
    basePath: upstream.pathname.replace(/\/$/, ''),
    forwarded: { proto: publicUrl.protocol.slice(0, -1), host: publicUrl.host, sessionCookie: gateway.session.cookieName },
  };
}
