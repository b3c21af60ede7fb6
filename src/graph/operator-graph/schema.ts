/**
 * Structural (zod) schema of the operator-graph JSON. Semantic checks (dangling inputs, cycles,
 * shapes) live in validate.ts; this file only fixes the shape of the document.
 */
import { z } from 'zod';
import { DTYPE_BYTES, MAX_GRAPH_NODES, MAX_IMPORTED_GRAPH_NODES } from './types.js';

const dimension = z.number().int().positive();
const attributeValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);

export const tensorSchema = z.strictObject({
  shape: z.array(dimension).max(8),
  dtype: z.enum(Object.keys(DTYPE_BYTES) as [keyof typeof DTYPE_BYTES]).exactOptional(),
  parameter: z.boolean().exactOptional(),
});

export const nodeSchema = z.strictObject({
  id: z.string().min(1).max(200),
  /** Checked against OPERATOR_KINDS in validate.ts so the error can name the node. */
  op: z.string().min(1),
  inputs: z.array(z.string().min(1)).max(64),
  outputs: z.array(z.string().min(1)).min(1).max(16),
  attributes: z.record(z.string(), attributeValue).exactOptional(),
  cost: z
    .strictObject({
      forwardFlops: z.number().finite().nonnegative(),
      forwardBytes: z.number().finite().nonnegative(),
    })
    .exactOptional(),
});

export const operatorGraphSchema = z.strictObject({
  tensors: z.record(z.string().min(1), tensorSchema),
  nodes: z.array(nodeSchema).min(1).max(MAX_GRAPH_NODES),
});

/** The same document with the importer's node bound ({@link MAX_IMPORTED_GRAPH_NODES}). */
export const importedOperatorGraphSchema = operatorGraphSchema.extend({
  nodes: z.array(nodeSchema).min(1).max(MAX_IMPORTED_GRAPH_NODES),
});

export type OperatorGraphJson = z.output<typeof operatorGraphSchema>;
