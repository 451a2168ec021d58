// PostgreSQL only: every change to a session row (an update or a delete, also by a
// cascade or another process) is announced on the channel doorman_sessions with the
// row's id_hash, so that gateway processes drop what they keep of it (SessionCache).
// SQLite needs nothing: its gateway reads sessions on a local connection.
import type { Knex } from 'knex';
import { engineOf } from '../repositories/shared.js';

export const SESSION_CHANNEL = 'doorman_sessions';

const isPostgres = (knex: Knex) => engineOf(knex) === 'postgres';

export async function up(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.raw(`
    CREATE FUNCTION doorman_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${SESSION_CHANNEL}', OLD.id_hash);
      RETURN NULL;
    END
    $$`);
  await knex.raw('CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION doorman_session_changed()');
}

export async function down(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) return;
  await knex.raw('DROP TRIGGER sessions_changed ON sessions');
  await knex.raw('DROP FUNCTION doorman_session_changed()');
}
