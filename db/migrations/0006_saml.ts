// SAML: the AuthnRequest IDs the ACS accepts once each, and the assertion replay cache.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saml_requests', (t) => {
    t.text('id').notNullable().primary();
    t.text('connection_id').notNullable();
    t.text('return_to').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
  });
  await knex.schema.createTable('saml_assertions_seen', (t) => {
    t.text('connection_id').notNullable();
    t.text('assertion_id').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['connection_id', 'assertion_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saml_assertions_seen');
  await knex.schema.dropTable('saml_requests');
}
