// License decisions (the audit), current license assignments and users' license requests.
import type { Knex } from 'knex';

const LICENSES = ['full', 'free', 'free_restricted'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('license_decisions', (t) => {
    t.bigIncrements('id');
    t.text('account_id').notNullable().references('id').inTable('accounts');
    // The audit outlives the user it was about.
    t.text('user_id').nullable().references('id').inTable('users').onDelete('SET NULL');
    t.text('email').notNullable();
    t.text('route').notNullable();
    t.enu('license', LICENSES).nullable();
    t.text('reason').notNullable();
    t.text('policy_version').notNullable();
    t.text('actor').nullable();
    t.bigInteger('decided_at').notNullable();
    t.index(['account_id', 'id']);
    t.index(['user_id', 'id']);
  });

  await knex.schema.createTable('licenses', (t) => {
    t.text('user_id').notNullable().primary().references('id').inTable('users').onDelete('CASCADE');
    t.text('account_id').notNullable().references('id').inTable('accounts');
    t.enu('license', LICENSES).notNullable();
    t.bigInteger('assigned_at').notNullable();
    t.bigInteger('decision_id').notNullable().references('id').inTable('license_decisions');
    t.index(['account_id', 'license']);
  });

  await knex.schema.createTable('license_requests', (t) => {
    t.text('id').notNullable().primary();
    t.text('account_id').notNullable().references('id').inTable('accounts');
    t.text('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('note').nullable();
    t.enu('status', ['open', 'approved', 'denied']).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.text('decided_by').nullable();
    t.index(['account_id', 'status']);
    t.index(['user_id']);
  });
  // At most one open request per user (a partial index: SQLite and PostgreSQL both have them).
  await knex.raw(`CREATE UNIQUE INDEX license_requests_one_open ON license_requests (user_id) WHERE status = 'open'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('license_requests');
  await knex.schema.dropTable('licenses');
  await knex.schema.dropTable('license_decisions');
}
