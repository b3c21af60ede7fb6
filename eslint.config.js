// Type-aware lint (STYLE.md §14). Layering (STYLE.md §2) is enforced with no-restricted-imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (dir, forbidden) => ({
  files: [`src/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((f) => ({
          group: [`**/${f}/**`, `**/${f}`],
          message: `src/${dir} must not import src/${f} (data flows one way; see docs/ARCHITECTURE.md).`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-bench/**',
      'node_modules/**',
      'src/contract/generated/**',
      'coverage/**',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      'no-console': 'error',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  layer('graph', ['costmodel', 'search', 'schedule', 'export', 'studies', 'api', 'plan']),
  layer('hardware-profiles', [
    'costmodel',
    'search',
    'schedule',
    'export',
    'studies',
    'api',
    'graph',
  ]),
  layer('costmodel', ['search', 'schedule', 'export', 'studies', 'api']),
  layer('schedule', ['search', 'export', 'studies', 'api']),
  layer('search', ['export', 'studies', 'api']),
  layer('export', ['search', 'studies', 'api']),
  layer('studies', ['api']),
  {
    files: [
      'src/index.ts',
      'src/cli.ts',
      'src/cli/**/*.ts',
      'scripts/**/*.ts',
      'bench/**/*.ts',
      'src/service/studies/worker-main.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
