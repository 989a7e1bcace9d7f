#!/usr/bin/env node
// The `ledgerlab` command. Runs the TypeScript CLI directly through tsx, so it always matches
// the source in this checkout and needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../engine/node/cli.ts');
process.exitCode = await main(process.argv.slice(2));
