// `doorman demo`: the demo app on the upstream port, the gateway in front of it,
// embedded SQLite under ./data.
import { fileURLToPath } from 'node:url';
import { startDemoApp } from '../../fixtures/demo-app/server.js';
import { serveCommand } from './serve.js';

export const DEMO_POLICIES = fileURLToPath(new URL('../../fixtures/demo/policies/', import.meta.url));

export async function demoCommand(flags: { port: number }): Promise<number> {
  const upstream = await startDemoApp(3000);
  process.stderr.write(`demo app on http://127.0.0.1:3000; open http://localhost:${flags.port}/ once the gateway is listening\n`);
  try {
    return await serveCommand({ policies: DEMO_POLICIES, port: flags.port });
  } finally {
    upstream.close();
  }
}
