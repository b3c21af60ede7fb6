/**
 * Shared event feeds for GET /v1/studies/{id}/events (issue #17: 500 connections that never read
 * held 1.4 GB and stalled the event loop 16 s, because each one read the whole study from the
 * store, serialised every row and buffered it unread).
 *
 * Now one feed per watched study serialises each row once, into immutable blocks of up to 64 KiB
 * that every connection shares by reference. A connection is a cursor into those blocks: it is
 * written to only while its socket drains (so an unread socket holds no bytes of ours beyond one
 * block), progress is sent as the latest value only, and a connection that has not drained for
 * `stallMilliseconds` is closed (slow-reader protection; the client may reconnect and is replayed
 * from the start). Live events are flushed at most every FLUSH_MILLISECONDS, so a busy study costs
 * each connection a few writes a second. A feed with no connections is dropped.
 *
 * Writes are scheduled, not made inline: connections ready for more (new rows, a drained socket,
 * a new attach) wait in one round-robin queue, and each turn of the event loop writes at most
 * BYTES_PER_TURN before yielding (setImmediate). Writing to every connection in one turn made
 * one flush to 500 readers a 150–200 ms writev burst that delayed /healthz (profiled under
 * `npm run load streams`).
 */
import type { Response } from 'express';
import type { StudyEvent, StudyProgress, StudyService, StudyStatus } from '../service/index.js';
import { resultToApi } from '../service/index.js';

/** Rows are packed into shared blocks of about this many bytes. */
const BLOCK_BYTES = 64 * 1024;
/** Live events are written to the sockets at most this often. */
const FLUSH_MILLISECONDS = 50;
/** A comment line this often keeps idle connections (and proxies) alive. */
const HEARTBEAT_MILLISECONDS = 15_000;
/** Bytes written to sockets per event-loop turn before yielding to other work. */
const BYTES_PER_TURN = 64 * 1024;
/** Rows serialised between yields to the event loop while a replay is built. */
const ROWS_PER_SLICE = 200;

export interface FeedOptions {
  /** A connection that has not drained its socket for this long is closed; default 30 s. */
  readonly stallMilliseconds?: number;
}

interface Connection {
  readonly res: Response;
  cursor: number;
  sentProgress: Buffer | undefined;
  /** When the socket last refused more (needs drain); undefined while it keeps up. */
  blockedSince: number | undefined;
}

interface Feed {
  readonly blocks: Buffer[];
  readonly connections: Set<Connection>;
  readonly seen: Set<number>;
  progress: Buffer | undefined;
  end: Buffer | undefined;
  /** Live frames not yet packed into a block. */
  pending: string[];
  flushTimer: NodeJS.Timeout | undefined;
  unsubscribe: () => void;
}

const frame = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const endFrame = (status: StudyStatus, error: string | null): Buffer =>
  Buffer.from(frame('end', { status, error }));

const progressFrame = (progress: StudyProgress): Buffer => Buffer.from(frame('progress', progress));

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Packs frames into blocks of about BLOCK_BYTES. */
function pack(frames: readonly string[], into: Buffer[]): void {
  let parts: string[] = [];
  let size = 0;
  for (const f of frames) {
    parts.push(f);
    size += f.length;
    if (size >= BLOCK_BYTES) {
      into.push(Buffer.from(parts.join('')));
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) into.push(Buffer.from(parts.join('')));
}

export interface StudyFeeds {
  /** Streams study `id` on `res` (headers already checked by the caller); false when no such study. */
  attach(id: string, res: Response): Promise<boolean>;
  /** Ends every stream (shutdown). */
  closeAll(): void;
  readonly open: number;
}

export function createStudyFeeds(studies: StudyService, options: FeedOptions = {}): StudyFeeds {
  const stallMilliseconds = options.stallMilliseconds ?? 30_000;
  const feeds = new Map<string, Promise<Feed | null>>();
  let open = 0;

  /** Connections with something to write, in arrival order, each with its feed. */
  const ready = new Map<Connection, Feed>();
  let turnScheduled = false;

  /**
   * Writes what `conn` still lacks, up to `budgetBytes`; returns the bytes written and whether it
   * stopped only for the budget (so it goes back in the queue).
   */
  const pump = (feed: Feed, conn: Connection, budgetBytes: number): [number, boolean] => {
    const { res } = conn;
    if (res.writableEnded || res.destroyed) return [0, false];
    let written = 0;
    while (conn.cursor < feed.blocks.length) {
      if (res.writableNeedDrain) {
        conn.blockedSince ??= Date.now();
        return [written, false];
      }
      if (written >= budgetBytes) return [written, true];
      const block = feed.blocks[conn.cursor++] as Buffer;
      res.write(block);
      written += block.byteLength;
    }
    if (res.writableNeedDrain) {
      conn.blockedSince ??= Date.now();
      return [written, false];
    }
    conn.blockedSince = undefined;
    if (feed.progress !== undefined && conn.sentProgress !== feed.progress) {
      conn.sentProgress = feed.progress;
      res.write(feed.progress);
      written += feed.progress.byteLength;
    }
    if (feed.end !== undefined) res.end(feed.end);
    return [written, false];
  };

  const runTurn = (): void => {
    turnScheduled = false;
    let budgetBytes = BYTES_PER_TURN;
    for (const [conn, feed] of [...ready]) {
      if (budgetBytes <= 0) break;
      ready.delete(conn);
      const [written, more] = pump(feed, conn, budgetBytes);
      budgetBytes -= written;
      if (more) ready.set(conn, feed);
    }
    if (ready.size > 0) scheduleTurn();
  };

  const scheduleTurn = (): void => {
    if (turnScheduled) return;
    turnScheduled = true;
    setImmediate(runTurn);
  };

  const wake = (feed: Feed, conn: Connection): void => {
    ready.set(conn, feed);
    scheduleTurn();
  };

  const flush = (feed: Feed): void => {
    feed.flushTimer = undefined;
    pack(feed.pending.splice(0), feed.blocks);
    for (const conn of feed.connections) wake(feed, conn);
  };

  const onEvent = (feed: Feed, event: StudyEvent): void => {
    if (event.type === 'scenario') {
      const index = event.result.scenario.index;
      if (feed.seen.has(index)) return;
      feed.seen.add(index);
      feed.pending.push(frame('scenario', resultToApi(event.result, studies.accuracy)));
    } else if (event.type === 'progress') feed.progress = progressFrame(event.progress);
    else feed.end = endFrame(event.status, event.error);
    feed.flushTimer ??= setTimeout(() => flush(feed), FLUSH_MILLISECONDS);
  };

  /** Subscribe first, then read the snapshot, so no event falls between the two. */
  async function build(id: string): Promise<Feed | null> {
    const early: StudyEvent[] = [];
    let sink = (event: StudyEvent): void => void early.push(event);
    const unsubscribe = studies.subscribe(id, (event) => sink(event));
    const found = await studies.get(id).catch((error: unknown) => {
      unsubscribe();
      throw error;
    });
    if (found === null) {
      unsubscribe();
      return null;
    }
    const feed: Feed = {
      blocks: [],
      connections: new Set(),
      seen: new Set(),
      progress: progressFrame(found.progress),
      end: undefined,
      pending: [],
      flushTimer: undefined,
      unsubscribe,
    };
    const frames: string[] = [];
    for (let i = 0; i < found.results.length; i++) {
      const result = found.results[i];
      if (result === undefined) continue;
      feed.seen.add(result.scenario.index);
      frames.push(frame('scenario', resultToApi(result, studies.accuracy)));
      if (i % ROWS_PER_SLICE === ROWS_PER_SLICE - 1) await yieldToEventLoop();
    }
    pack(frames, feed.blocks);
    if (found.status !== 'queued' && found.status !== 'running') {
      feed.end = endFrame(found.status, found.error);
    }
    sink = (event) => onEvent(feed, event);
    early.forEach(sink);
    return feed;
  }

  const release = (id: string, feed: Feed, conn: Connection): void => {
    if (!feed.connections.delete(conn)) return;
    ready.delete(conn);
    open -= 1;
    if (feed.connections.size > 0) return;
    clearTimeout(feed.flushTimer);
    feed.unsubscribe();
    feeds.delete(id);
  };

  // One timer for every connection: heartbeats and slow-reader checks.
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const pending of feeds.values()) {
        void pending.then((feed) => {
          for (const conn of feed?.connections ?? []) {
            if (conn.blockedSince !== undefined && now - conn.blockedSince > stallMilliseconds) {
              conn.res.destroy();
            } else if (conn.blockedSince === undefined && !conn.res.writableEnded) {
              conn.res.write(': keep-alive\n\n');
            }
          }
        });
      }
    },
    Math.min(HEARTBEAT_MILLISECONDS, Math.max(1000, stallMilliseconds / 2)),
  );
  sweep.unref();

  return {
    async attach(id, res) {
      let pending = feeds.get(id);
      if (pending === undefined) {
        pending = build(id);
        feeds.set(id, pending);
        pending.catch(() => feeds.delete(id));
      }
      const feed = await pending;
      if (feed === null) {
        if (feeds.get(id) === pending) feeds.delete(id);
        return false;
      }
      // Its last connection closed while we waited: the feed is gone; start a fresh one.
      if (feeds.get(id) !== pending) return this.attach(id, res);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const conn: Connection = { res, cursor: 0, sentProgress: undefined, blockedSince: undefined };
      feed.connections.add(conn);
      open += 1;
      res.on('drain', () => {
        // Draining is progress: only a socket that stops draining counts as stalled.
        conn.blockedSince = undefined;
        wake(feed, conn);
      });
      res.once('close', () => release(id, feed, conn));
      wake(feed, conn);
      return true;
    },
    closeAll() {
      for (const pending of feeds.values()) {
        void pending.then((feed) => {
          for (const conn of feed?.connections ?? []) conn.res.end();
        });
      }
    },
    get open() {
      return open;
    },
  };
}
