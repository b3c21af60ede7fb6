// The layering of src/ (STYLE.md §2, docs/ARCHITECTURE.md), enforced with no-restricted-imports.
// Each room lists the rooms it may import; every other room is forbidden, and an allowed room is
// entered only through its door (index.ts, or a sub-room's index.ts). test/lint/layering.test.ts
// proves that an import running back up fails the build.

/** Room → the rooms below it that it may import (imports point down, data flows up). */
export const ALLOWED_IMPORTS = {
  base: [],
  'model-spec': ['base'],
  graph: ['base', 'model-spec'],
  'hardware-profiles': ['base', 'model-spec'],
  costmodel: ['base', 'model-spec', 'graph', 'hardware-profiles'],
  schedule: ['base', 'model-spec', 'graph', 'hardware-profiles', 'costmodel'],
  plan: ['base', 'model-spec', 'graph', 'hardware-profiles', 'costmodel', 'schedule'],
  search: ['base', 'model-spec', 'graph', 'hardware-profiles', 'costmodel', 'schedule', 'plan'],
  export: ['base', 'model-spec', 'graph', 'hardware-profiles', 'costmodel', 'plan'],
  studies: [
    'base',
    'model-spec',
    'graph',
    'hardware-profiles',
    'costmodel',
    'schedule',
    'plan',
    'search',
  ],
  contract: ['base', 'model-spec'],
  service: [
    'base',
    'model-spec',
    'graph',
    'hardware-profiles',
    'costmodel',
    'schedule',
    'plan',
    'search',
    'export',
    'studies',
    'contract',
  ],
  http: ['base', 'hardware-profiles', 'contract', 'service'],
  cli: ['base', 'hardware-profiles', 'contract', 'service'],
};

const ROOMS = Object.keys(ALLOWED_IMPORTS);
/** Top-level files that are rooms of their own (entry points may import any room's door). */
const FACES = ['lib', 'index', 'cli', 'client'];

function forbidden(room) {
  const allowed = ALLOWED_IMPORTS[room];
  return [
    ...ROOMS.filter((r) => r !== room && !allowed.includes(r)).map((r) => ({
      group: [`**/${r}/**`, `**/${r}/index.js`],
      message: `src/${room} must not import src/${r}: imports point down the layers (docs/ARCHITECTURE.md).`,
    })),
    ...FACES.map((f) => ({
      group: [`**/src/${f}.js`, `../${f}.js`, `../../${f}.js`, `../../../${f}.js`],
      message: `src/${room} must not import src/${f}.ts, a face of the house (entry points import rooms, never the reverse).`,
    })),
    ...allowed.map((r) => ({
      // Files only (gitignore rules cannot re-include below an excluded folder).
      group: [
        `**/${r}/*.js`,
        `!**/${r}/index.js`,
        `**/${r}/*/*.js`,
        `!**/${r}/*/index.js`,
        `**/${r}/*/*/**`,
      ],
      message: `enter src/${r} through its door (src/${r}/index.ts), not its files.`,
    })),
  ];
}

/** One flat-config block per room. */
export const layering = ROOMS.map((room) => ({
  files: [`src/${room}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: forbidden(room) }] },
}));
