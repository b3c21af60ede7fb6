// The layering of src/ (STYLE.md §2, docs/ARCHITECTURE.md), enforced with no-restricted-imports.
// Each room lists the rooms it may import; every other room is forbidden, and an allowed room is
// entered only through its door (index.ts, or a sub-room's index.ts). test/lint/layering.test.ts
// proves that an import running back up fails the build.

// The domain floors, bottom up: each may import every floor below it.
const BASE = ['base'];
const SPEC = [...BASE, 'model-spec'];
const INGEST = [...SPEC, 'graph', 'hardware-profiles'];
const COST = [...INGEST, 'costmodel'];
const SCHEDULE = [...COST, 'schedule'];
const PLAN = [...SCHEDULE, 'plan'];
const SEARCH = [...PLAN, 'search'];

/** Room → the rooms below it that it may import (imports point down, data flows up). */
export const ALLOWED_IMPORTS = {
  base: [],
  'model-spec': BASE,
  graph: SPEC,
  'hardware-profiles': SPEC,
  costmodel: INGEST,
  schedule: COST,
  plan: SCHEDULE,
  search: PLAN,
  export: [...COST, 'plan'],
  studies: SEARCH,
  contract: SPEC,
  service: [...SEARCH, 'export', 'studies', 'contract'],
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
