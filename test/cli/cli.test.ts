import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HeteroPlanResponse, PlanResponse, ScheduleResponse } from '../../src/contract/schemas.js';

function strata(args: readonly string[]) {
  // Same as `npx tsx src/cli.ts ...`, without npm's own warnings on stderr.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SMALL = ['--model', 'llama3-8b', '--cluster', 'dgx-h100', '--nodes', '2'];
const TRAINING = ['--global-batch', '64', '--seq', '4096'];
/** The small plan with no alternatives, for the export flags. */
const BEST_ONLY = ['plan', ...SMALL, ...TRAINING, '--top', '0'];

describe('strata CLI', () => {
  it('plan --json prints the API response', () => {
    const { status, stdout } = strata(['plan', ...SMALL, ...TRAINING, '--top', '2', '--json']);
    expect(status).toBe(0);
    const body = PlanResponse.parse(JSON.parse(stdout));
    expect(body.best.worldSize).toBe(16);
    expect(body.alternatives.length).toBeLessThanOrEqual(2);
  });

  it('plan prints a readable report by default', () => {
    const { status, stdout } = strata(['plan', ...SMALL, ...TRAINING, '--top', '1']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Best strategy: dp=\d+ tp=\d+ pp=\d+/);
    expect(stdout).toMatch(/Step time/);
    expect(stdout).toMatch(/Memory per GPU/);
    expect(stdout).toMatch(/Rejected:/);
  });

  it('plan says when it leaves nodes idle; --all-nodes plans every node', () => {
    // gpt-1.7b, batch 96 on 5 × DGX A100: 4 nodes are faster than 5 (dp must divide 96).
    const args = ['--model', 'gpt-1.7b', '--cluster', 'dgx-a100-80gb', '--nodes', '5'];
    const training = ['--global-batch', '96', '--seq', '2048', '--top', '0'];
    const idle = strata(['plan', ...args, ...training]);
    expect(idle.status).toBe(0);
    expect(idle.stdout).toMatch(/on 4 node\(s\)/);
    expect(idle.stdout).toMatch(/Leaves 1 node\(s\) idle: the best plan on every node takes/);
    const all = strata(['plan', ...args, ...training, '--all-nodes', '--json']);
    expect(all.status).toBe(0);
    const body = PlanResponse.parse(JSON.parse(all.stdout));
    expect(body.best.nodes).toBe(5);
    expect(body.search.idleNodes).toBe(0);
  });

  it('estimate prints the estimate', () => {
    const strategy = ['--dp', '4', '--tp', '4', '--pp', '1', '--mbs', '1'];
    const { status, stdout } = strata(['estimate', ...SMALL, ...TRAINING, ...strategy]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Strategy: dp=4 tp=4 pp=1/);
  });

  it.each([
    [['--nodes', 'two'], '--nodes'],
    [['--nodes', '0'], '--nodes'],
    [['--frobnicate'], '--frobnicate'],
  ])('exits 2 naming the bad flag %j', (extra, flag) => {
    const base = ['--model', 'llama3-8b', '--cluster', 'dgx-h100', '--nodes', '2', ...TRAINING];
    const { status, stderr } = strata(['plan', ...base, ...extra]);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(flag);
  });
});

describe('strata CLI: exports, schedules, operator graphs', () => {
  it('plan --emit megatron prints the launch command after the report', () => {
    const { status, stdout } = strata([...BEST_ONLY, '--emit', 'megatron']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Best strategy:/);
    expect(stdout).toContain('--tensor-model-parallel-size');
  });

  it('plan --emit deepspeed --emit-only prints only ds_config.json', () => {
    const args = [...BEST_ONLY, '--emit', 'deepspeed', '--emit-only'];
    const { status, stdout } = strata(args);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ train_batch_size: 64 });
  });

  it('schedule prints the PyTorch CSV by default', () => {
    const args = ['schedule', '--stages', '4', '--micro-batches', '8', '--schedule', 'zb-h1'];
    const { status, stdout } = strata(args);
    expect(status).toBe(0);
    const rows = stdout.trim().split('\n');
    expect(rows).toHaveLength(4);
    for (const cell of rows.flatMap((r) => r.split(',')).filter((c) => c !== '')) {
      expect(cell).toMatch(/^(\d+)(F|I|W|B)(\d+)$/);
    }
  });

  it('schedule --format json and a bad --stages', () => {
    const base = ['schedule', '--micro-batches', '8', '--schedule', '1f1b'];
    const ok = strata([...base, '--stages', '4', '--format', 'json']);
    expect(ok.status).toBe(0);
    expect(ScheduleResponse.parse(JSON.parse(ok.stdout)).bubbleFraction).toBeCloseTo(3 / 11, 12);
    const bad = strata([...base, '--stages', '500']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--stages');
  });

  it('plan --model graph.json plans an operator graph', () => {
    const args = [
      'plan',
      '--model',
      'examples/graphs/resnet-cnn.json',
      '--accelerator',
      'nvidia-h100-sxm-80gb',
    ];
    const { status, stdout } = strata([
      ...args,
      '--gpus-per-node',
      '2',
      '--nodes',
      '1',
      '--global-batch',
      '64',
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Operator-graph plan/);
    expect(stdout).toMatch(/stem_conv/);
  });

  it('plan --cluster-mix prints a heterogeneous report; --json the HeteroPlanResponse', () => {
    const mix = ['--model', 'gpt-1.7b', '--cluster-mix', 'mix-a100-v100'];
    const training = ['--global-batch', '256', '--seq', '2048', '--top', '1'];
    const text = strata(['plan', ...mix, ...training]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^Kind: (hetero-pipeline|hetero-data-parallel|homogeneous) on \d+ GPUs/,
    );
    expect(text.stdout).toMatch(/Launcher:/);
    const priced = ['--objective', 'cheapest', '--price', 'nvidia-v100-sxm2-32gb=0.6', '--json'];
    const json = strata(['plan', ...mix, ...training, ...priced]);
    expect(json.status).toBe(0);
    const body = HeteroPlanResponse.parse(JSON.parse(json.stdout));
    expect(body.best.costUsdPerHour).toBeGreaterThan(0);
  });

  it('plan --groups prints the per-stage table of a heterogeneous pipeline', () => {
    const groups = ['--groups', 'dgx-a100-80gb:1,dgx-v100:2', '--inter-group-gbps', '25'];
    const { status, stdout } = strata([
      'plan',
      '--model',
      'gpt-1.7b',
      ...groups,
      '--global-batch',
      '128',
      '--seq',
      '2048',
      '--top',
      '1',
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Kind: hetero-pipeline/);
    expect(stdout).toMatch(/stage\s+group\s+accelerator\s+GPUs\s+tp\s+dp\s+layers/);
    expect(stdout).toMatch(/--pipeline-model-parallel-layout E/);
  });

  it('select prints the frontier and the choice', () => {
    const { status, stdout } = strata([
      'select',
      '--model',
      'zb-1.5b',
      '--global-batch',
      '64',
      '--seq',
      '1024',
      '--inventory',
      'dgx-a100-80gb:1,dgx-v100:1',
      '--price',
      'nvidia-v100-sxm2-32gb=0.6',
      '--budget',
      '10',
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/Pareto frontier \(\d+ sub-clusters evaluated/);
    expect(stdout).toMatch(/Chosen: /);
  });
});
