// The progress line: silent for a second, a spinner on a terminal, plain lines elsewhere; stderr only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startProgress, withProgress } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

let clock = 0;
const now = () => clock;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
});
afterEach(() => {
  vi.useRealTimers();
});
const advance = (ms: number) => {
  clock += ms;
  vi.advanceTimersByTime(ms);
};

/** A progress line on a fake stream (a terminal or not), started in `phase`. */
function progressOn(isTTY: boolean, phase: string, enabled = true) {
  const s = stream(isTTY);
  const p = startProgress({ stream: s, enabled, now });
  p.phase(phase);
  return { s, p };
}

describe('progress', () => {
  it('draws nothing for a run under a second', () => {
    const { s, p } = progressOn(true, 'planning llama3-8b');
    advance(900);
    p.stop();
    expect(s.written).toEqual([]);
  });

  it('on a terminal: a spinner with the phase and elapsed time, erased at the end', () => {
    const { s, p } = progressOn(true, 'planning llama3-70b on 64 × dgx-h100');
    advance(1000);
    const ERASE = '\r\u001b[K';
    expect(s.written.at(-1)?.startsWith(ERASE)).toBe(true);
    expect(s.written.at(-1)?.slice(ERASE.length)).toMatch(
      /^\S planning llama3-70b on 64 × dgx-h100 1\.0 s$/,
    );
    advance(300);
    expect(s.written.length).toBeGreaterThanOrEqual(4);
    expect(s.written.at(-1)).toMatch(/ 1\.3 s$/);
    p.stop();
    expect(s.written.at(-1)).toBe('\r\x1b[K');
    expect(s.written.join('')).not.toContain('\n');
  });

  it('elsewhere: a line when it starts, one per phase, "still" lines, and the total', () => {
    const { s, p } = progressOn(false, 'planning');
    advance(1000);
    advance(5000);
    p.phase('comparing');
    advance(11_000);
    p.stop();
    expect(s.written).toEqual([
      'strata: planning…\n',
      'strata: comparing…\n',
      'strata: still comparing (17.0 s)\n',
      'strata: done in 17.0 s\n',
    ]);
  });

  it('--quiet draws nothing; withProgress stops on failure too', async () => {
    const { s: quiet, p } = progressOn(true, 'x', false);
    advance(5000);
    p.stop();
    expect(quiet.written).toEqual([]);
    const s = stream(true);
    const failing = withProgress({ stream: s, enabled: true, now }, 'planning', () => {
      advance(2000);
      return Promise.reject(new Error('boom'));
    });
    await expect(failing).rejects.toThrow('boom');
    expect(s.written.at(-1)).toBe('\r\x1b[K');
  });
});
