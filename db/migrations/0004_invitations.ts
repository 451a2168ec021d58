// Invitations to join an account.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invitations', (t) => {
    t.text('id').notNullable().primary();
    t.text('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('email_lower').notNullable();
    // Not a foreign key: a team may leave the policy while invitations to it are pending.
    t.text('team_id').nullable();
    t.enu('license', ['full', 'free', 'free_restricted']).nullable();
    t.enu('kind', ['admin', 'member', 'guest']).notNullable();
    t.text('invited_by').nullable();
    t.text('token_hash').nullable();
    t.enu('status', ['pending', 'accepted', 'revoked', 'expired']).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('accepted_at').nullable();
    t.index(['account_id', 'email_lower']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invitations');
}
