// Request management and the admin audit: the webhook outbox (retried until the
// receiver says 2xx, claimed by one sender at a time), the daily digests already
// sent, and the audit log of admin actions.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_outbox', (t) => {
    t.bigIncrements('id');
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('event').notNullable();
    t.text('url').notNullable();
    /** The exact JSON body sent (and signed) at every attempt. */
    t.text('body').notNullable();
    t.enu('status', ['pending', 'delivered']).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    // A sender's claim: no other sender takes the row until claimed_until.
    t.text('claim_token').nullable();
    t.bigInteger('claimed_until').nullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    t.index(['status', 'next_attempt_at']);
  });

  await knex.schema.createTable('request_digests', (t) => {
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    /** The UTC day (YYYY-MM-DD) the digest was sent for: one per account and day. */
    t.text('day').notNullable();
    t.bigInteger('sent_at').notNullable();
    t.primary(['account_id', 'day']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    // Null: an action of a gateway admin token that names no account.
    t.text('account_id').nullable();
    t.text('actor').notNullable();
    t.text('action').notNullable();
    t.text('target').nullable();
    t.text('details').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('request_digests');
  await knex.schema.dropTable('webhook_outbox');
}
