/**
 * Chrome / Perfetto trace of a simulated step (Trace Event Format, "complete" events ph 'X'):
 * one thread per rank (pid 0, tid = rank), timestamps and durations in microseconds, event name
 * "<kind><microBatch>" ("F3"), args with stage, micro-batch and slice. Returns the object;
 * JSON.stringify it to write a .json that chrome://tracing or ui.perfetto.dev opens.
 * @see Trace Event Format, https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
 */
import type { PipelineSchedule, SimulationResult } from './types.js';

const MICROSECONDS_PER_SECOND = 1e6;

export interface TraceCompleteEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X';
  readonly ts: number;
  readonly dur: number;
  readonly pid: 0;
  readonly tid: number;
  readonly args: { readonly stage: number; readonly microBatch: number; readonly slice?: number };
}

export interface TraceMetadataEvent {
  readonly name: 'thread_name' | 'process_name';
  readonly ph: 'M';
  readonly pid: 0;
  readonly tid: number;
  readonly args: { readonly name: string };
}

export interface ChromeTrace {
  readonly traceEvents: readonly (TraceCompleteEvent | TraceMetadataEvent)[];
  readonly displayTimeUnit: 'ms';
}

export function scheduleToChromeTrace(
  schedule: PipelineSchedule,
  result: SimulationResult,
): ChromeTrace {
  const names: TraceMetadataEvent[] = [
    { name: 'process_name', ph: 'M', pid: 0, tid: 0, args: { name: `${schedule.kind} pipeline` } },
    ...schedule.ranks.map((_, rank): TraceMetadataEvent => ({
      name: 'thread_name',
      ph: 'M',
      pid: 0,
      tid: rank,
      args: { name: `rank ${rank}` },
    })),
  ];
  const events = result.timeline.map(
    ({ rank, action, startSeconds, endSeconds }): TraceCompleteEvent => ({
      name: `${action.kind}${action.microBatch}`,
      cat: action.kind,
      ph: 'X',
      ts: startSeconds * MICROSECONDS_PER_SECOND,
      dur: (endSeconds - startSeconds) * MICROSECONDS_PER_SECOND,
      pid: 0,
      tid: rank,
      args:
        action.slice === undefined
          ? { stage: action.stage, microBatch: action.microBatch }
          : { stage: action.stage, microBatch: action.microBatch, slice: action.slice },
    }),
  );
  return { traceEvents: [...names, ...events], displayTimeUnit: 'ms' };
}
