/**
 * Prometheus metrics (prom-client), one registry per app so tests can run several apps in one
 * process. Route labels are the matched route pattern (e.g. /v1/plans/:id), never the raw path,
 * so the series count stays bounded whatever clients send.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PlanPool, PlanPoolStats, StudyService } from '../service/index.js';

type LaneStats = PlanPoolStats['search'];

export interface Metrics {
  readonly registry: Registry;
  /** One finished request. */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** A request refused by admission control (quota, full queue, auth, shutdown). */
  rejected(reason: string): void;
  /** Open event streams, for the gauge. */
  setEventStreams(count: number): void;
}

export interface MetricsOptions {
  readonly pool?: PlanPool | undefined;
  readonly studies?: StudyService | undefined;
  /** Node's process metrics (RSS, heap, event-loop lag); default true. */
  readonly processMetrics?: boolean;
}

/** Latency buckets (seconds): from a cached answer (~1 ms) to a 60-second search. */
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

function poolGauges(registry: Registry, pool: PlanPool): void {
  const lanes = (): [string, LaneStats][] => {
    const { search, render } = pool.stats();
    return [
      ['search', search],
      ['render', render],
    ];
  };
  const laneGauge = (
    name: string,
    help: string,
    pick: 'queued' | 'busy' | 'size' | 'ready' | 'recycled',
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['lane'],
      registers: [registry],
      collect() {
        for (const [lane, stats] of lanes()) this.set({ lane }, stats[pick]);
      },
    });
  laneGauge('strata_plan_queue_depth', 'Jobs waiting for a plan worker.', 'queued');
  laneGauge('strata_plan_workers_busy', 'Plan workers running a job.', 'busy');
  laneGauge('strata_plan_workers', 'Plan workers configured.', 'size');
  laneGauge('strata_plan_workers_ready', 'Plan workers started and alive.', 'ready');
  laneGauge(
    'strata_plan_workers_recycled',
    'Plan workers replaced after a job because their heap stayed large (since start).',
    'recycled',
  );
  new Counter({
    name: 'strata_candidates_evaluated_total',
    help: 'Strategy candidates evaluated by finished searches (rate() gives candidates/s).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(pool.stats().candidatesEvaluated);
    },
  });
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'strata_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'strata_rejected_requests_total',
    help: 'Requests refused by admission control, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const studies = options.studies;
  if (studies !== undefined) {
    new Counter({
      name: 'strata_scenarios_completed_total',
      help: 'Study scenarios finished (rate() gives scenarios/s).',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(studies.stats().scenariosCompleted);
      },
    });
    new Gauge({
      name: 'strata_studies_active',
      help: 'Studies queued or running.',
      registers: [registry],
      collect() {
        this.set(studies.stats().activeStudies);
      },
    });
  }
  const streams = new Gauge({
    name: 'strata_event_streams_open',
    help: 'Open /v1/studies/{id}/events connections.',
    registers: [registry],
  });
  if (options.pool !== undefined) poolGauges(registry, options.pool);
  return {
    registry,
    observe: (method, route, status, seconds) =>
      duration.observe({ method, route, status: String(status) }, seconds),
    rejected: (reason) => rejected.inc({ reason }),
    setEventStreams: (count) => streams.set(count),
  };
}
