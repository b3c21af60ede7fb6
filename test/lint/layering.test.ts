/**
 * The layering is enforced, not described (issue #15): ESLint with the project's own layering
 * blocks (eslint.layering.js) fails a file whose import runs back up, or that enters another room
 * other than through its door, and passes a door import that points down.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { ALLOWED_IMPORTS, layering } from '../../eslint.layering.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = readFileSync(
  new URL('../fixtures/layering/imports.ts.txt', import.meta.url),
  'utf8',
);

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...layering,
  ],
});

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layering (eslint.layering.js)', () => {
  it('fails an import that runs back up: costmodel → search', async () => {
    const messages = await restrictedImports(fixture, 'src/costmodel/upward.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/src\/costmodel must not import src\/search/);
  });

  it('passes the same door import from a room above: studies → search', async () => {
    expect(await restrictedImports(fixture, 'src/studies/fixture.ts')).toEqual([]);
  });

  it('fails a room that enters another through a file instead of its door', async () => {
    const deep = fixture.replace('../search/index.js', '../search/plan.js');
    const messages = await restrictedImports(deep, 'src/studies/fixture.ts');
    expect(messages[0]).toMatch(/enter src\/search through its door/);
  });

  it('fails the domain importing the HTTP room or the service layer', async () => {
    const http = fixture.replace('../search/index.js', '../http/app.js');
    expect(await restrictedImports(http, 'src/search/fixture.ts')).toHaveLength(1);
    const service = fixture.replace('../search/index.js', '../service/index.js');
    expect(await restrictedImports(service, 'src/studies/fixture.ts')).toHaveLength(1);
  });

  it('every room is below the faces: nothing imports src/lib.ts', async () => {
    const face = fixture.replace('../search/index.js', '../lib.js');
    for (const room of Object.keys(ALLOWED_IMPORTS)) {
      expect(await restrictedImports(face, `src/${room}/fixture.ts`)).not.toEqual([]);
    }
  });
});
