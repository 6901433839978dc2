#!/usr/bin/env node
// The agent runs from its single-file bundle (npm run build makes it).
await import('../dist/muster-agent.mjs');
