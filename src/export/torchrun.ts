/**
 * Per-node torchrun launch commands and a DeepSpeed-style hostfile for a plan.
 *
 * torchrun options (`--nnodes`, `--nproc-per-node`, `--node-rank`, `--rdzv-backend`,
 * `--rdzv-endpoint`): PyTorch torch/distributed/run.py. Hostfile lines `<host> slots=<gpus>`:
 * DeepSpeed's launcher (deepspeed/launcher/runner.py `fetch_hostfile`). Node i runs global ranks
 * [i·G, (i+1)·G), the node-major order rank-map.ts assumes.
 */
import type { Plan } from '../plan/index.js';
import { envWords, frameworkEnv, type LaunchEnv } from './env.js';
import { multiLineCommand } from './shell.js';

/** torchrun's conventional rendezvous port. */
export const DEFAULT_RDZV_PORT = 29500;

export interface LaunchOptions {
  /** Training entry point and its arguments (default `train.py`). */
  readonly script?: readonly string[];
  /** Host name of node i (default `node-i`). */
  readonly hostName?: (node: number) => string;
  readonly port?: number;
}

export interface LaunchExport {
  /** Environment the plan's framework needs (env.ts); part of every command. */
  readonly env: LaunchEnv;
  /** One command per node, node i at index i. */
  readonly commands: readonly string[];
  /** DeepSpeed-style hostfile: `node-i slots=G` per line. */
  readonly hostfile: string;
  /** A launch script: run it on every node with NODE_RANK set. */
  readonly text: string;
}

/** The torchrun launcher words every export starts with (one process per GPU, c10d rendezvous). */
export function torchrunHead(plan: Plan, nodeRank: string, endpoint: string): string[] {
  return [
    'torchrun',
    '--nnodes',
    String(plan.numNodes),
    '--nproc-per-node',
    String(plan.gpusPerNode),
    '--node-rank',
    nodeRank,
    '--rdzv-backend',
    'c10d',
    '--rdzv-endpoint',
    endpoint,
  ];
}

export function torchrunLaunch(plan: Plan, options: LaunchOptions = {}): LaunchExport {
  const script = options.script ?? ['train.py'];
  const host = options.hostName ?? ((i: number) => `node-${i}`);
  const port = options.port ?? DEFAULT_RDZV_PORT;
  const env = frameworkEnv(plan);
  const nodes = Array.from({ length: plan.numNodes }, (_, i) => i);
  const commands = nodes.map((i) =>
    [...envWords(env), ...torchrunHead(plan, String(i), `$MASTER_ADDR:${port}`), ...script].join(
      ' ',
    ),
  );
  const hostfile = nodes.map((i) => `${host(i)} slots=${plan.gpusPerNode}`).join('\n') + '\n';
  const text = [
    '#!/usr/bin/env bash',
    `# ${plan.modelName}: ${plan.numNodes} node(s) × ${plan.gpusPerNode} GPUs = ${plan.worldSize} ranks.`,
    '# Run on every node with NODE_RANK=0..' +
      String(plan.numNodes - 1) +
      '; node i holds ranks [i·G, (i+1)·G).',
    'set -euo pipefail',
    `MASTER_ADDR="\${MASTER_ADDR:-${host(0)}}"`,
    `MASTER_PORT="\${MASTER_PORT:-${port}}"`,
    'NODE_RANK="${NODE_RANK:?set NODE_RANK}"',
    multiLineCommand(
      [...envWords(env), ...torchrunHead(plan, '$NODE_RANK', '$MASTER_ADDR:$MASTER_PORT')],
      [],
      script,
    ).trimEnd(),
    '',
  ].join('\n');
  return { env, commands, hostfile, text };
}
