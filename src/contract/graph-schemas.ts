/** Response shapes of operator-graph plans (pinned to openapi.yaml's GraphPlan*). */
import { z } from 'zod';

const TensorLayout = z.object({ tensor: z.string(), layout: z.string() });

export const GraphOp = z.object({
  id: z.string(),
  stage: z.int(),
  mesh: z.array(z.int()),
  strategy: z.string(),
  inputs: z.array(TensorLayout),
  outputs: z.array(TensorLayout),
  temporal: z.object({ steps: z.int() }).exactOptional(),
});

export const GraphStage = z.object({
  stage: z.int(),
  ops: z.array(z.string()),
  mesh: z.array(z.int()),
  latencySeconds: z.number(),
});

export const GraphPlan = z.object({
  kind: z.enum(['operator-graph']),
  ops: z.array(GraphOp),
  stages: z.array(GraphStage),
  estimate: z.object({
    stepTimeSeconds: z.number(),
    numMicroBatches: z.int(),
    samplesPerSecond: z.number(),
  }),
  worldSize: z.int(),
  gpusPerNode: z.int(),
  nodes: z.int(),
  accelerator: z.string(),
});

export const GraphPlanResponse = z.object({
  id: z.string(),
  best: GraphPlan,
  alternatives: z.array(GraphPlan),
  search: z.object({
    solver: z.string(),
    status: z.enum(['optimal', 'feasible', 'infeasible', 'timeout']),
    solverSeconds: z.number(),
    elapsedSeconds: z.number(),
  }),
});

export type ApiGraphPlan = z.output<typeof GraphPlan>;
export type GraphPlanResponse = z.output<typeof GraphPlanResponse>;

/** POST /v1/models/onnx answer (pinned to openapi.yaml's OnnxModelUpload). */
export const OnnxModelUpload = z.strictObject({
  graphId: z.string(),
  fileBytes: z.int(),
  ops: z.int(),
  parameters: z.int(),
  inputs: z.array(
    z.strictObject({
      name: z.string(),
      shape: z.array(z.union([z.int(), z.string()])),
      elemType: z.int(),
    }),
  ),
  producer: z.string(),
  opset: z.int(),
  irVersion: z.int(),
});

export type OnnxModelUpload = z.output<typeof OnnxModelUpload>;
