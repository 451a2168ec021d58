// Domain control's access requests and DNS-verified domains.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_requests', (t) => {
    t.text('id').notNullable().primary();
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('email_lower').notNullable();
    t.text('name').nullable();
    // The login that asked, so that approval provisions exactly that identity.
    t.text('connection_id').notNullable();
    t.text('issuer').notNullable();
    t.text('subject').notNullable();
    t.enu('status', ['open', 'approved', 'denied']).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.text('decided_by').nullable();
    t.index(['account_id', 'status']);
  });
  // One open request per person and account, also when two logins race.
  await knex.raw(`CREATE UNIQUE INDEX access_requests_one_open ON access_requests (account_id, email_lower) WHERE status = 'open'`);
  await knex.schema.createTable('domain_verifications', (t) => {
    t.text('domain').notNullable().primary();
    t.text('account_id').notNullable();
    // The token found in DNS: a new token in the policy needs a new check.
    t.text('token').notNullable();
    t.bigInteger('verified_at').notNullable();
  });
  await knex.schema.alterTable('invitations', (t) => {
    t.index(['token_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invitations', (t) => {
    t.dropIndex(['token_hash']);
  });
  await knex.schema.dropTable('domain_verifications');
  await knex.schema.dropTable('access_requests');
}
