/** Version of both binaries; the agent reports it in hello. */
export const VERSION = '0.1.0';
