// Email sign-up links (only the SHA-256 of the token is stored) and rate-limit
// counters shared by every gateway process.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signup_tokens', (t) => {
    t.text('token_hash').notNullable().primary();
    t.text('email').notNullable();
    t.text('return_to').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').notNullable().primary();
    t.bigInteger('window_start').notNullable();
    t.integer('count').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.dropTable('signup_tokens');
}
