/**
 * /v1/studies: asynchronous what-if studies (issue #6). Mount with
 * `app.use(createStudiesRouter({ studies: runtime.service }))` before the 404 handler; errors go
 * to the app's error middleware as ApiError (application/problem+json). No try/catch in handlers
 * except where a thrown error must be translated (Express 5 forwards rejected promises).
 */
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { StudyEvent, StudyService } from '../service/studies/index.js';
import { paretoSvg, resultsToCsv, scalingSvg } from '../studies/index.js';
import { ApiError } from '../contract/index.js';
import { jsonBody } from './middleware.js';
import { resultToApi, snapshotToApi, studyErrorToApi } from '../service/study-views.js';

export interface StudiesRouterDeps {
  readonly studies: StudyService;
}

const notFound = (id: string): ApiError =>
  new ApiError('NOT_FOUND', `no study with id '${id}'`, { field: 'id' });
const idOf = (req: Request): string => String(req.params['id']);

function sse(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export function createStudiesRouter({ studies }: StudiesRouterDeps): Router {
  const router = Router();
  const snapshot = async (req: Request) => {
    const found = await studies.get(idOf(req));
    if (found === null) throw notFound(idOf(req));
    return found;
  };

  router.post('/v1/studies', ...jsonBody(), async (req, res) => {
    const summary = await studies.submit(req.body).catch((error: unknown) => {
      throw studyErrorToApi(error);
    });
    res.status(202).location(`/v1/studies/${summary.id}`).json(summary);
  });

  router.get('/v1/studies/:id', async (req, res) => {
    res.json(snapshotToApi(await snapshot(req)));
  });

  router.delete('/v1/studies/:id', async (req, res) => {
    const summary = await studies.cancel(idOf(req));
    if (summary === null) throw notFound(idOf(req));
    res.json(summary);
  });

  router.get('/v1/studies/:id/results', async (req, res) => {
    const format = req.query['format'] ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new ApiError(
        'VALIDATION_FAILED',
        `format must be json or csv, got '${JSON.stringify(format)}'`,
        { field: 'format' },
      );
    }
    const found = await snapshot(req);
    if (format === 'csv') {
      res
        .type('text/csv')
        .attachment(`study-${found.id.slice(0, 12)}.csv`)
        .send(resultsToCsv(found.results));
      return;
    }
    res.json({
      id: found.id,
      status: found.status,
      progress: found.progress,
      results: found.results.map(resultToApi),
    });
  });

  router.get('/v1/studies/:id/charts/:chart', async (req, res) => {
    const chart = req.params['chart'];
    if (chart !== 'pareto.svg' && chart !== 'scaling.svg')
      throw new ApiError('NOT_FOUND', `no chart '${String(chart)}'; try pareto.svg or scaling.svg`);
    const found = await snapshot(req);
    res
      .type('image/svg+xml')
      .send(chart === 'pareto.svg' ? paretoSvg(found.results) : scalingSvg(found.results));
  });

  router.get('/v1/studies/:id/events', async (req, res) => {
    const id = idOf(req);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // Subscribe before reading the snapshot so no event falls between the two.
    const seen = new Set<number>();
    const buffered: StudyEvent[] = [];
    let live = false;
    const onEvent = (event: StudyEvent): void => {
      if (!live) return void buffered.push(event);
      if (event.type === 'scenario') {
        if (seen.has(event.result.scenario.index)) return;
        seen.add(event.result.scenario.index);
        sse(res, 'scenario', resultToApi(event.result));
      } else if (event.type === 'progress') sse(res, 'progress', event.progress);
      else {
        sse(res, 'end', { status: event.status, error: event.error });
        stop();
      }
    };
    const unsubscribe = studies.subscribe(id, onEvent);
    const stop = (): void => {
      unsubscribe();
      res.end();
    };
    req.on('close', unsubscribe);
    const found = await studies.get(id);
    if (found === null) {
      sse(res, 'error', notFound(id).toProblem());
      return stop();
    }
    for (const result of found.results) {
      seen.add(result.scenario.index);
      sse(res, 'scenario', resultToApi(result));
    }
    sse(res, 'progress', found.progress);
    live = true;
    buffered.splice(0).forEach(onEvent);
    if (!res.writableEnded && found.status !== 'queued' && found.status !== 'running') {
      sse(res, 'end', { status: found.status, error: found.error });
      stop();
    }
  });

  return router;
}
