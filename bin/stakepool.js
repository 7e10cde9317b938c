#!/usr/bin/env node
// Launcher: stakepool is written in TypeScript and runs through tsx's loader, so there is no
// separate build step between a checkout and a running pool.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
