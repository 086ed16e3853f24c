#!/usr/bin/env node
// The sel104 command. Sources are TypeScript run through tsx, so a clone works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
