// Accounts, their teams and their seat counters; all three are synced from the policy files.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.text('id').notNullable().primary();
    t.text('name').notNullable();
    t.enu('program', ['standard', 'flexible']).notNullable();
    t.enu('default_license', ['free', 'free_restricted']).nullable();
    t.text('policy_version').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('teams', (t) => {
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('id').notNullable();
    t.text('name').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.primary(['account_id', 'id']);
  });

  await knex.schema.createTable('seat_counters', (t) => {
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('license').notNullable();
    t.integer('total').notNullable();
    t.integer('used').notNullable().defaultTo(0);
    t.primary(['account_id', 'license']);
    t.check('?? >= 0 AND ?? >= 0', ['total', 'used']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seat_counters');
  await knex.schema.dropTable('teams');
  await knex.schema.dropTable('accounts');
}
