/**
 * What the server's unit tests stand on: the store over SQLite in memory (the real queries, in milliseconds), time
 * that moves only when told, an event bus that records, and a link that records what would reach agents.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { MusterEvent } from '../src/protocol/api/events.ts';
import type { ServerFrame } from '../src/protocol/link-frames.ts';
import { createSealer } from '../src/server/crypto.ts';
import { migrateToLatest, openDatabase } from '../src/server/db/database.ts';
import type { NotificationChannelsTable } from '../src/server/db/schema.ts';
import { createEventBus } from '../src/server/events/event-bus.ts';
import type { LinkPort } from '../src/server/link/link-port.ts';
import { manualTime } from '../src/server/manual-time.ts';
import { createClaimNode } from '../src/server/operations/claim-node.ts';
import { createStore } from '../src/server/repos/store.ts';
import { createSpacesService } from '../src/server/spaces/spaces-service.ts';
import { createTokenUses } from '../src/server/tokens/token-uses.ts';
import { createTokensService } from '../src/server/tokens/tokens-service.ts';

/** A fresh RSA public key in PEM, as an agent claims with. */
export const newPublicKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

let key: string | null = null;
/** One RSA public key in PEM for the whole test process (making one takes a while; nodes may share it). */
export function publicKeyPem(): string {
  key ??= newPublicKey();
  return key;
}

/** A link whose nodes are online or not as the test says; it records every frame sent. */
export function recordingLink() {
  const online = new Set<string>();
  const sent: { nodeId: string; frame: ServerFrame }[] = [];
  const link: LinkPort = {
    send: async (nodeId, frame) => {
      if (!online.has(nodeId)) return false;
      sent.push({ nodeId, frame });
      return true;
    },
    request: () => Promise.reject(new Error('no requests in this test')),
    disconnect: async (nodeId) => online.delete(nodeId),
  };
  return { link, online, sent };
}

/** A notification channel's row as stored (its configuration stands in for the sealed one). */
export const channelRow = (id: string, at = 0): NotificationChannelsTable => ({
  id,
  name: id,
  type: 'webhook',
  config: 'sealed',
  enabled: 1,
  failures: 0,
  last_error: null,
  last_sent_at: null,
  created_at: at,
  updated_at: at,
});

export async function memoryServer() {
  const time = manualTime();
  const { clock } = time;
  const database = openDatabase(':memory:');
  await migrateToLatest(database);
  const store = createStore(database.db, clock, { changeMark: database.changeMark });
  const bus = createEventBus();
  const events: MusterEvent[] = [];
  bus.subscribe((e) => void events.push(e));
  const sealer = createSealer(Buffer.alloc(32, 7));
  const spaces = createSpacesService({ store, clock });
  const { space } = await spaces.ensureDefaultSpace(null);
  const tokens = createTokensService({ store, sealer, clock });
  const claims = createClaimNode({
    store,
    clock,
    bus,
    tokenUses: createTokenUses(store, (msg, err) => {
      throw new Error(`${msg}: ${String(err)}`);
    }),
  });
  return {
    time,
    clock,
    database,
    store,
    bus,
    events,
    sealer,
    spaces,
    space,
    tokens,
    claims,
    /** Claim a node with the space's token; its id. */
    async claimed(hostname = `node-${randomUUID().slice(0, 6)}`): Promise<string> {
      const id = randomUUID();
      const token = (await tokens.getSpaceToken(space.id)).token;
      await claims.claimNode(
        id,
        { node: { id, hostname }, token, rooms: [], publicKey: publicKeyPem() },
        null,
      );
      return id;
    },
    close: () => database.close(),
  };
}
export type MemoryServer = Awaited<ReturnType<typeof memoryServer>>;
