/**
 * One fuzz case against a running server, and the verdict: any status below 500 is fine, and so
 * is 503 with a Retry-After; a 5xx otherwise, a connection failure, or no answer within the
 * deadline (a hang) is a finding. Event streams are read only as far as their headers.
 */
import { gzipSync } from 'node:zlib';
import type { FuzzRequest } from './arbitraries.js';
import { bodyText } from './arbitraries.js';

export interface Verdict {
  readonly ok: boolean;
  readonly status: number | 'hang' | 'error';
  readonly milliseconds: number;
  readonly why?: string;
}

export async function send(
  base: string,
  request: FuzzRequest,
  deadlineMilliseconds: number,
): Promise<Verdict> {
  const started = performance.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), deadlineMilliseconds);
  try {
    let body: string | Uint8Array | undefined;
    if (request.method === 'POST') {
      const text = typeof request.body === 'string' ? request.body : bodyText(request.body);
      // Half the time a gzip claim is true, half it is a lie (issue #17: a lie was a 500).
      body =
        request.headers['content-encoding'] === 'gzip' && text.length % 2 === 0
          ? gzipSync(text)
          : text;
    }
    const res = await fetch(`${base}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(body === undefined ? {} : { body }),
      signal: abort.signal,
    });
    const status = res.status;
    if (res.headers.get('content-type')?.startsWith('text/event-stream') === true)
      await res.body?.cancel();
    else await res.arrayBuffer();
    const retryAfter = Number(res.headers.get('retry-after'));
    const ok = status < 500 || (status === 503 && retryAfter > 0);
    return {
      ok,
      status,
      milliseconds: performance.now() - started,
      ...(ok ? {} : { why: `${status} without Retry-After` }),
    };
  } catch (error) {
    const hung = abort.signal.aborted;
    return {
      ok: false,
      status: hung ? 'hang' : 'error',
      milliseconds: performance.now() - started,
      why: hung ? `no answer within ${deadlineMilliseconds} ms` : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A short, printable description of a case (long ids and bodies cut). */
export function describeCase(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` ${bodyText(request.body).slice(0, 300)}`;
  return `${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers)}${body}`;
}
