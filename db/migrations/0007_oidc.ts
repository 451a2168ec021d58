// OIDC logins in flight: state (hashed), nonce and PKCE verifier between the
// redirect to the provider and the callback, so any gateway process can finish it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oidc_logins', (t) => {
    t.text('state_hash').notNullable().primary();
    t.text('connection_id').notNullable();
    t.text('nonce').notNullable();
    t.text('code_verifier').notNullable();
    t.text('return_to').notNullable();
    t.text('login_hint').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oidc_logins');
}
