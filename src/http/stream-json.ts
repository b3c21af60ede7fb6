/**
 * A JSON answer with one long array, written in slices (issue #17: a 2,000-row study serialised
 * in one JSON.stringify held the event loop for tens of milliseconds). The head fields are
 * written first, then the rows ROWS_PER_SLICE at a time, yielding to the event loop between
 * slices and waiting for the socket to drain, so a slow reader never makes us buffer the answer.
 */
import type { Response } from 'express';

const ROWS_PER_SLICE = 100;

const drained = (res: Response): Promise<void> =>
  new Promise((resolve) => {
    if (!res.writableNeedDrain) {
      setImmediate(resolve);
      return;
    }
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/** Sends `{ ...head, [key]: rows.map(map) }` as application/json, sliced. */
export async function sendStreamedJson<T>(
  res: Response,
  head: Readonly<Record<string, unknown>>,
  key: string,
  rows: readonly T[],
  map: (row: T) => unknown,
): Promise<void> {
  const opening = JSON.stringify(head);
  const prefix = `${opening.slice(0, -1)}${opening.length > 2 ? ',' : ''}${JSON.stringify(key)}:[`;
  res.status(200).type('application/json');
  res.write(prefix);
  for (let start = 0; start < rows.length; start += ROWS_PER_SLICE) {
    if (res.destroyed) return;
    const slice = rows.slice(start, start + ROWS_PER_SLICE).map((row) => JSON.stringify(map(row)));
    res.write(`${start === 0 ? '' : ','}${slice.join(',')}`);
    await drained(res);
  }
  res.end(']}');
}
