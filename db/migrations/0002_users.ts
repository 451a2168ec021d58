// Users, their logins (identities) and their team memberships.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.text('id').notNullable().primary();
    // RESTRICT: removing an account never silently removes its people.
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('RESTRICT');
    t.text('email').notNullable();
    t.text('email_lower').notNullable();
    t.text('name').nullable();
    t.enu('status', ['active', 'deactivated', 'pending_approval']).notNullable();
    t.boolean('restricted').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('last_active_at').nullable();
    t.unique(['account_id', 'email_lower']);
  });

  await knex.schema.createTable('identities', (t) => {
    t.text('id').notNullable().primary();
    t.text('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('connection_id').notNullable();
    t.text('issuer').notNullable();
    t.text('subject').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['issuer', 'subject']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('team_memberships', (t) => {
    t.text('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('account_id').notNullable();
    t.text('team_id').notNullable();
    t.text('source').notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['user_id', 'team_id']);
    // No ON DELETE: a team with members cannot go (accounts.sync keeps such teams).
    t.foreign(['account_id', 'team_id']).references(['account_id', 'id']).inTable('teams');
    t.index(['account_id', 'team_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('team_memberships');
  await knex.schema.dropTable('identities');
  await knex.schema.dropTable('users');
}
