/**
 * Parsing of Megatron-LM's `--pipeline-model-parallel-layout` (syntax in src/plan/pipeline-layout.ts,
 * where the formatter lives so that search/ can emit layouts too).
 */
export { formatPipelineLayout } from '../plan/index.js';

const GROUP_REPEAT = /\(([^)]+)\)\*(\d+)/g;
const CHAR_REPEAT = /(.)\*(\d+)/g;

/** The layout with its repeats written out and commas dropped (`parse_str_to_list`). */
export function unrollPipelineLayout(layout: string): string {
  let s = layout.replace(/,/g, '');
  s = s.replace(GROUP_REPEAT, (_m, g: string, n: string) => g.repeat(Number(n)));
  return s.replace(CHAR_REPEAT, (_m, c: string, n: string) => c.repeat(Number(n)));
}

/**
 * Parse a layout string back into transformer layers per stage, applying the same unrolling rules
 * as Megatron's `parse_str_to_list`. Returns null when a character is not one of E, t, L, m.
 */
export function parsePipelineLayout(layout: string): number[] | null {
  const stages = unrollPipelineLayout(layout).split('|');
  if (stages.some((stage) => /[^EtLm]/.test(stage))) return null;
  return stages.map((stage) => [...stage].filter((c) => c === 't').length);
}
