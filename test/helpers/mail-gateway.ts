// The usual set-up of an end-to-end test: a real SMTP sink, a policies folder
// whose gateway.yaml mails through it, a real `doorman serve` on a fresh SQLite
// file, and a connection to that file for assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../db/index.js';
import { serve, type Served } from './cli.js';
import { writePolicies } from './policies.js';
import { startMailSink, type MailSink } from './smtp.js';

export const PUBLIC = 'http://gateway.test';

export interface MailGateway {
  gw: Served;
  db: Database;
  mail: MailSink;
  close(): Promise<void>;
}

/** gateway.yaml keys beyond public_url, upstream_url and smtp go in `gateway`. */
export async function startMailGateway(gateway: Record<string, unknown>, accounts: Record<string, unknown>[]): Promise<MailGateway> {
  const tmp = mkdtempSync(join(tmpdir(), 'doorman-e2e-'));
  const mail = await startMailSink();
  const policies = writePolicies({ public_url: PUBLIC, upstream_url: 'http://127.0.0.1:9', smtp: { url: mail.url, from: 'Doorman <doorman@gateway.test>' }, ...gateway }, accounts);
  const dbUrl = `sqlite:${join(tmp, 'gw.sqlite')}`;
  const gw = await serve(['--policies', policies, '--db', dbUrl]);
  const db = await openDatabase(dbUrl);
  return {
    gw,
    db,
    mail,
    async close() {
      await gw.stop();
      await db.close();
      await mail.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
