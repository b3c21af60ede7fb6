import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('README samples', () => {
  it('the outputs README shows are what the CLI prints now (npm run readme:samples)', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/readme-samples.ts', '--check'],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+ README samples are current/);
  }, 300_000);
});
