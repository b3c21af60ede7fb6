/**
 * A progress line on stderr for runs that take a while (never stdout, so --json output stays
 * clean). Nothing is drawn for the first second. After it, on a terminal, a spinner with the
 * phase and the elapsed time is redrawn in place and erased when the run ends; elsewhere (a pipe,
 * a CI log) one line says what is running, a line every STILL_SECONDS says it still is, and a
 * last line gives the total time.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Progress {
  /** What is running now ('planning llama3-70b on 512 GPUs'). */
  phase(text: string): void;
  /** Ends the line (erased on a terminal) and stops the timers. */
  stop(): void;
}

/** Silent for runs shorter than this. */
const DELAY_MILLISECONDS = 1000;
const FRAME_MILLISECONDS = 100;
/** Non-terminal output: a "still running" line this often. */
const STILL_SECONDS = 10;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const elapsed = (seconds: number): string => `${seconds.toFixed(1)} s`;

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** false: a Progress that draws nothing (--quiet). */
  readonly enabled: boolean;
  /** Clock in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

const SILENT: Progress = { phase: () => undefined, stop: () => undefined };

export function startProgress(options: ProgressOptions): Progress {
  if (!options.enabled) return SILENT;
  const { stream } = options;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tty = stream.isTTY === true;
  let text = '';
  let frame = 0;
  let shown = false;
  let lastStillSeconds = 0;
  let ticker: NodeJS.Timeout | undefined;
  const seconds = (): number => (now() - started) / 1000;

  const draw = (): void => {
    if (tty) {
      stream.write(
        `\r\x1b[K${FRAMES[frame++ % FRAMES.length] ?? ''} ${text} ${elapsed(seconds())}`,
      );
      return;
    }
    const s = seconds();
    if (!shown) stream.write(`strata: ${text}…\n`);
    else if (s - lastStillSeconds >= STILL_SECONDS) {
      stream.write(`strata: still ${text} (${elapsed(s)})\n`);
      lastStillSeconds = s;
    }
  };
  const tick = (): void => {
    draw();
    shown = true;
  };
  const delay = setTimeout(() => {
    tick();
    ticker = setInterval(tick, FRAME_MILLISECONDS);
    ticker.unref();
  }, DELAY_MILLISECONDS);
  delay.unref();

  return {
    phase(next) {
      const changed = next !== text;
      text = next;
      if (shown && changed && !tty) {
        stream.write(`strata: ${text}…\n`);
        lastStillSeconds = seconds();
      }
    },
    stop() {
      clearTimeout(delay);
      clearInterval(ticker);
      if (!shown) return;
      stream.write(tty ? '\r\x1b[K' : `strata: done in ${elapsed(seconds())}\n`);
    },
  };
}

/** Runs `work` with a progress line for `text`, stopped however the work ends. */
export async function withProgress<T>(
  options: ProgressOptions,
  text: string,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = startProgress(options);
  progress.phase(text);
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}
