/**
 * Step-level numbers from a simulated timeline: makespan, per-rank bubble fraction
 * (1 − busy/makespan), peak in-flight units and peak activation bytes.
 */
import type { ResolvedCosts } from './resolve-costs.js';
import type { PipelineSchedule, SimulationResult, TimelineEntry } from './types.js';

interface RankMemory {
  readonly peakInFlight: number;
  readonly peakActivationBytes: number;
}

/**
 * In-flight: a (stage, micro-batch, slice) unit counts from its F until its I or B ends. A rank
 * runs one action at a time in list order, so walking its list in order is walking it in time.
 */
function rankMemory(
  schedule: PipelineSchedule,
  costs: ResolvedCosts,
  entries: readonly TimelineEntry[],
): RankMemory {
  let inFlight = 0;
  let bytes = 0;
  let peakInFlight = 0;
  let peakActivationBytes = 0;
  for (const { action } of entries) {
    const unitBytes = (costs.activationBytes[action.stage] ?? 0) / schedule.slicesPerMicroBatch;
    if (action.kind === 'F') {
      inFlight += 1;
      bytes += unitBytes;
      peakInFlight = Math.max(peakInFlight, inFlight);
      peakActivationBytes = Math.max(peakActivationBytes, bytes);
    } else if (action.kind === 'I' || action.kind === 'B') {
      inFlight -= 1;
      bytes -= unitBytes;
    }
  }
  return { peakInFlight, peakActivationBytes };
}

export function summarizeTimeline(
  schedule: PipelineSchedule,
  costs: ResolvedCosts,
  entriesPerRank: readonly (readonly TimelineEntry[])[],
): SimulationResult {
  const makespanSeconds = entriesPerRank.reduce(
    (latest, entries) => Math.max(latest, entries.at(-1)?.endSeconds ?? 0),
    0,
  );
  const bubbleFractionPerRank = entriesPerRank.map((entries) => {
    const busySeconds = entries.reduce((sum, e) => sum + (e.endSeconds - e.startSeconds), 0);
    return makespanSeconds > 0 ? 1 - busySeconds / makespanSeconds : 0;
  });
  const memory = entriesPerRank.map((entries) => rankMemory(schedule, costs, entries));
  const bubbleFraction =
    bubbleFractionPerRank.reduce((sum, f) => sum + f, 0) /
    Math.max(bubbleFractionPerRank.length, 1);
  return {
    timeline: entriesPerRank.flat(),
    makespanSeconds,
    bubbleFractionPerRank,
    bubbleFraction,
    peakInFlightMicroBatches: memory.map((m) => m.peakInFlight),
    peakActivationBytes: memory.map((m) => m.peakActivationBytes),
  };
}
