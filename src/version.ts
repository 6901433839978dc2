declare const MUSTER_BUILD_VERSION: string | undefined;

/** The release version. */
export const RELEASE = '0.1.0';

/**
 * Version of both binaries; the agent reports it in hello and the server compares it with its own to offer updates.
 * A build may stamp another (`node scripts/build.mjs --agent-version V`, used to build an older agent in tests).
 */
export const VERSION: string = typeof MUSTER_BUILD_VERSION === 'string' ? MUSTER_BUILD_VERSION : RELEASE;
