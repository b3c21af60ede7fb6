// Types of eslint.layering.js for the TypeScript tests that import it (test/lint/).
import type { Linter } from 'eslint';

export declare const ALLOWED_IMPORTS: Readonly<Record<string, readonly string[]>>;
export declare const layering: Linter.Config[];
