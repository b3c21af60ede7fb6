// Type-aware lint (STYLE.md §14). Layering (STYLE.md §2): eslint.layering.js, one block per room.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layering } from './eslint.layering.js';

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
  { files: ['eslint.config.js', 'eslint.layering.js'], ...tseslint.configs.disableTypeChecked },
  ...layering,
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
