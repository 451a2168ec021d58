// Graceful shutdown: stop accepting connections, let in-flight requests, proxied
// streams and WebSocket tunnels finish until the deadline, then cut what is left.
import type { Server } from 'node:http';

/** Resolves once every connection is gone; true when they all finished before the deadline. */
export async function drain(server: Server, timeoutMs: number, cutRemaining: () => void): Promise<boolean> {
  let poll: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections between requests would hold the server open: close them as they
    // go idle. Upgraded (WebSocket) sockets may end without the server noticing: count them.
    poll = setInterval(() => {
      server.closeIdleConnections();
      server.getConnections((err, count) => !err && count === 0 && resolve());
    }, 50);
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), timeoutMs)));
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline') {
    server.closeAllConnections();
    cutRemaining();
    await closed;
  }
  clearInterval(poll);
  return outcome === 'drained';
}
