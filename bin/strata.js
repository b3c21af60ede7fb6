#!/usr/bin/env node
// Tiny ESM shim: run the compiled CLI (dist/src/cli.js), or the TypeScript source through tsx
// when the project has not been built.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
