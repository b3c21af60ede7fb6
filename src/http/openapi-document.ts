/** openapi.yaml, parsed once, for GET /openapi.json. Found by walking up from this file. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** src/http → repo root is 2 levels up; dist/src/http is 3. */
const MAX_LEVELS_UP = 4;

export function findOpenApiFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(dir, 'openapi.yaml');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('openapi.yaml not found above src/http');
}

export function loadOpenApiDocument(): unknown {
  return parse(readFileSync(findOpenApiFile(), 'utf8'));
}
