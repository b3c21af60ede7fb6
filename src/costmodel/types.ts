/** Output of the cost model: an explained estimate (STYLE.md §1, "CostBreakdown"). */

export interface MemoryBreakdownBytes {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;
  readonly activations: number;
  /** Framework/runtime reserve, communication buffers, logits/loss workspace. */
  readonly other: number;
}

/** Where one step's time goes, in seconds, on the critical path. */
export interface TimeBreakdownSeconds {
  /** Forward + backward math on the critical path (excluding recompute). */
  readonly compute: number;
  /** Extra forward work for activation recomputation. */
  readonly recompute: number;
  readonly tensorParallelComm: number;
  /** MoE dispatch / combine all-to-all left on the critical path. */
  readonly expertParallelComm: number;
  /** Context-parallel K/V exchange left on the critical path. */
  readonly contextParallelComm: number;
  /** Exposed (non-overlapped) data-parallel / ZeRO communication. */
  readonly dataParallelComm: number;
  readonly pipelineComm: number;
  /** Pipeline bubble (idle) time. */
  readonly bubble: number;
  readonly optimizer: number;
}

/** Communication overlap hid behind compute (not on the critical path), seconds per step. */
export interface HiddenCommSeconds {
  readonly tensorParallelComm: number;
  readonly dataParallelComm: number;
  readonly pipelineComm: number;
  readonly expertParallelComm: number;
  readonly contextParallelComm: number;
}

export interface StageEstimate {
  readonly stage: number;
  readonly layers: number;
  readonly hasEmbedding: boolean;
  readonly hasLmHead: boolean;
  readonly forwardSeconds: number;
  /** Full backward (input + weight gradients), including recompute. */
  readonly backwardSeconds: number;
  readonly backwardInputSeconds: number;
  readonly backwardWeightSeconds: number;
  readonly peakMemoryBytes: number;
  readonly memoryBytes: MemoryBreakdownBytes;
}

export interface CostBreakdown {
  readonly stepTimeSeconds: number;
  readonly tokensPerSecond: number;
  /** Model FLOPs utilisation (no recompute counted), in [0, 1]. */
  readonly mfu: number;
  /** Hardware FLOPs utilisation (recompute counted), in [0, 1]. */
  readonly hfu: number;
  /** Achieved model TFLOP/s per GPU. */
  readonly tflopsPerGpu: number;
  /** The peak stays within the usable memory: capacity less the request's headroom. */
  readonly fits: boolean;
  /** Peak over all stages (the worst-case GPU). */
  readonly peakMemoryBytesPerGpu: number;
  readonly memoryCapacityBytesPerGpu: number;
  /** Capacity × (1 − memoryHeadroomFraction): what a plan may fill. */
  readonly usableMemoryBytesPerGpu: number;
  /** Memory of the worst-case GPU, by kind. */
  readonly memoryBytes: MemoryBreakdownBytes;
  /** Where the critical path's time goes (communication counted where exposed). */
  readonly timeSeconds: TimeBreakdownSeconds;
  /** Communication overlapped with compute: hidden, not on the critical path. */
  readonly hiddenCommSeconds: HiddenCommSeconds;
  readonly modelFlopsPerStep: number;
  readonly hardwareFlopsPerStep: number;
  readonly stages: readonly StageEstimate[];
}
