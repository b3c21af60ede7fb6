/**
 * Randomised check of "adding GPUs never makes the best predicted step slower" on mixed clusters
 * (issue #5), wider than the unit property tests: npx tsx bench/hetero-monotonicity.ts [from] [to]
 * [--big]. Each seed draws a model, batch and 1–3 groups, then adds a node to one group (70%) or a
 * one-node group (30%), and plans both. Prints one line per seed and the count of violations and
 * truncated searches; exits 1 on a violation. Not part of `npm run bench` (minutes, not seconds).
 */
import { heteroClusterFromSpec } from '../src/hardware-profiles/hetero.js';
import type { HeteroClusterSpec, HeteroGroupSpec } from '../src/hardware-profiles/hetero.js';
import { planHeterogeneous } from '../src/search/hetero/index.js';
import { catalog, fixedTraining, zooGraph } from '../test/fixtures/planning.js';
import { seededRandom } from '../test/fixtures/seeded-random.js';

const INTER_GROUP = { bandwidthGBps: 12.5, latencyMicroseconds: 20 };
const PRESETS = ['dgx-a100-80gb', 'dgx-v100', 'pcie-8x-a10', 'dgx-h100'];
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const big = process.argv.includes('--big');
const from = Number(args[0] ?? 200);
const to = Number(args[1] ?? 240);

let violations = 0;
let truncated = 0;
for (let seed = from; seed < to; seed++) {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const model = pick(big ? ['llama3-8b', 'gpt-1.7b'] : ['zb-1.5b', 'gpt-1.7b']);
  const batch = pick(big ? [128, 256, 96] : [48, 64, 96]);
  const sequence = big ? 2048 : 1024;
  const groups: HeteroGroupSpec[] = PRESETS.filter(() => random() < 0.6)
    .slice(0, 3)
    .map((preset) => ({ preset, nodes: 1 + Math.floor(random() * (big ? 4 : 3)) }));
  if (groups.length === 0) groups.push({ preset: pick(PRESETS), nodes: 1 });
  let after: HeteroGroupSpec[];
  if (random() < 0.3) after = [...groups, { preset: pick(PRESETS), nodes: 1 }];
  else {
    const grown = Math.floor(random() * groups.length);
    after = groups.map((g, i) => (i === grown && 'preset' in g ? { ...g, nodes: g.nodes + 1 } : g));
  }
  const graph = zooGraph(model, sequence);
  const training = fixedTraining(batch, sequence);
  const plan = (spec: HeteroClusterSpec) =>
    planHeterogeneous({
      graph,
      cluster: heteroClusterFromSpec(catalog, spec),
      training,
      objective: 'fastest',
    });
  const before = plan({ groups, interGroup: INTER_GROUP });
  const grown = plan({ groups: after, interGroup: INTER_GROUP });
  const ok = grown.best.stepTimeSeconds <= before.best.stepTimeSeconds * (1 + 1e-12);
  const cut = [before, grown].some((r) =>
    ['max-candidates', 'generation-cap'].some((k) => k in r.search.rejected),
  );
  if (!ok) violations++;
  if (cut) truncated++;
  const names = (list: readonly HeteroGroupSpec[]): string =>
    list.map((g) => ('preset' in g ? `${g.preset}×${g.nodes}` : '?')).join(' + ');
  console.log(
    `${seed} ${ok ? 'ok ' : 'BAD'} ${model} batch ${batch}: ${names(groups)} → ${names(after)}: ` +
      `${before.best.kind} ${before.best.stepTimeSeconds.toFixed(4)} s → ` +
      `${grown.best.kind} ${grown.best.stepTimeSeconds.toFixed(4)} s${cut ? ' (truncated)' : ''}`,
  );
}
console.log(`violations ${violations}, truncated searches ${truncated}, seeds ${to - from}`);
if (violations > 0) process.exitCode = 1;
