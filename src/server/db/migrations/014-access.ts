import type { Kysely, Migration } from 'kysely';

/**
 * Who may do what, and how they prove it: roles held in a space or a room (by a user or by everyone of an identity
 * provider's group), users who sign in through an OpenID provider (their subject and the groups of their last sign-in),
 * second factors (a sealed TOTP secret, one-time recovery codes, passkeys), short-lived sign-in challenges (WebAuthn
 * and OpenID state), sessions that remember their device and last use, and API keys scoped to a space or room with an
 * expiry.
 */
export const accessMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('role_bindings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('oidc_group', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('space_id', 'text')
      .addColumn('room_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('role_bindings_user').on('role_bindings').column('user_id').execute();
    await db.schema.createIndex('role_bindings_group').on('role_bindings').column('oidc_group').execute();
    await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
    await db.schema.alterTable('users').addColumn('oidc_groups', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_secret_enc', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_pending_enc', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
    await db.schema.createIndex('users_oidc_subject').on('users').column('oidc_subject').unique().execute();
    await db.schema
      .createTable('recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();
    await db.schema
      .createTable('passkeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('passkeys_user').on('passkeys').column('user_id').execute();
    await db.schema
      .createTable('auth_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('method', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('id_token', 'text').execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('api_keys').addColumn('space_id', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('room_id', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('expires_at', 'bigint').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const c of ['expires_at', 'room_id', 'space_id'])
      await db.schema.alterTable('api_keys').dropColumn(c).execute();
    for (const c of ['restricted', 'id_token', 'method', 'user_agent', 'last_used_at'])
      await db.schema.alterTable('sessions').dropColumn(c).execute();
    await db.schema.dropTable('auth_challenges').execute();
    await db.schema.dropTable('passkeys').execute();
    await db.schema.dropTable('recovery_codes').execute();
    await db.schema.dropIndex('users_oidc_subject').execute();
    for (const c of ['totp_last_step', 'totp_pending_enc', 'totp_secret_enc', 'oidc_groups', 'oidc_subject'])
      await db.schema.alterTable('users').dropColumn(c).execute();
    await db.schema.dropTable('role_bindings').execute();
  },
});
