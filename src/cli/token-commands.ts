import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { certPin } from '../protocol/pin.ts';
import { systemClock } from '../server/clock.ts';
import type { ServerConfig } from '../server/config.ts';
import { claimCommand, masterSealer } from '../server/main.ts';
import { SYSTEM } from '../server/actor.ts';
import { withStorage } from './admin-commands.ts';
import { createTokensService } from '../server/tokens/tokens-service.ts';
import { loadAgentCa } from '../server/tls/tls-files.ts';

/**
 * `muster token show|rotate`: the default space's claim token, read (or replaced) straight from the server's
 * storage on the server's own machine, with the command that claims a node with it. Needs the data dir (and its
 * master key), so only someone who can read those can run it.
 */
export async function spaceTokenCommand(config: ServerConfig, action: 'show' | 'rotate'): Promise<void> {
  const dataDir = resolve(config.dataDir);
  if (!config.masterKey && !existsSync(join(dataDir, 'master.key')))
    throw new Error(`${dataDir} holds no master key: is it the server's data directory? (pass --data-dir)`);
  await withStorage(config, async ({ store }) => {
    const sealer = masterSealer({ ...config, dataDir });
    const tokens = createTokensService({ store, sealer, clock: systemClock });
    const space = await store.repos.spaces.firstSpace();
    if (!space) throw new Error('no space exists yet: start the server once first');
    const t =
      action === 'rotate'
        ? await tokens.rotateSpaceToken(SYSTEM, space.id, { expires_at: null, max_uses: null })
        : await tokens.getSpaceToken(space.id);
    const caFile = join(dataDir, 'tls', 'ca.pem');
    const pin = config.agentCa
      ? loadAgentCa(config.agentCa).pin
      : existsSync(caFile)
        ? certPin(readFileSync(caFile, 'utf8'))
        : null;
    // The URL the server printed at its last start (the one agents use), unless one is given here.
    const url =
      config.publicUrl ??
      (await store.repos.cluster.setting('public_url')) ??
      `https://${hostname()}:${config.listen.split(':').pop()}`;
    if (action === 'rotate') process.stdout.write('rotated: the previous claim token no longer works\n');
    process.stdout.write(`space "${space.name}" claim token: ${t.token}\n`);
    process.stdout.write(`claim a node with:\n  ${claimCommand(url, t.token, pin)}\n`);
  });
}
