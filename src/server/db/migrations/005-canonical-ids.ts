import { sql, type Kysely, type Migration } from 'kysely';

/** Tables whose rows belong to a node. */
const NODE_CHILDREN = ['room_nodes', 'node_secrets', 'link_sessions', 'jobs', 'source_groups', 'schedules'];

/**
 * Node ids are stored in lower case only. Earlier servers kept a claimed id as the agent sent it, so the same UUID in
 * another letter case could become a second node. Each such node moves to its lower-case id (with everything that
 * belongs to it); where the lower-case id is already taken, the other-case copy is the duplicate and is removed.
 */
export const canonicalIdsMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    const k = db as Kysely<Record<string, Record<string, unknown>>>;
    const rows = await k
      .selectFrom('nodes')
      .selectAll()
      .where(sql<boolean>`id <> lower(id)`)
      .execute();
    for (const row of rows) {
      const from = String(row.id);
      const to = from.toLowerCase();
      const taken = await k.selectFrom('nodes').select('id').where('id', '=', to).executeTakeFirst();
      if (!taken) {
        await k
          .insertInto('nodes')
          .values({ ...row, id: to })
          .execute();
        for (const t of NODE_CHILDREN)
          await k.updateTable(t).set({ node_id: to }).where('node_id', '=', from).execute();
      }
      await k.deleteFrom('nodes').where('id', '=', from).execute();
    }
  },
});
