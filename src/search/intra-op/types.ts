/** Types shared by the intra-operator (sharding) search. */
import type { DeviceProfile } from '../../hardware-profiles/index.js';
import type { Layout, MeshLinks } from './layout.js';

/** Everything a strategy's cost depends on besides the op. */
export interface IntraOpContext extends MeshLinks {
  readonly device: DeviceProfile;
  /** Count backward compute and gradient communication (training) or forward only. */
  readonly training: boolean;
  /** Offer PrimePar spatial-temporal strategies for matmuls (default true). */
  readonly temporal?: boolean;
}

/** One sharding strategy of one op, with its costs per device. */
export interface Strategy {
  /** Stable key, e.g. "d0@S0,n@S1", "replicate", "temporal-row@S1". */
  readonly name: string;
  readonly inputLayouts: readonly Layout[];
  readonly outputLayouts: readonly Layout[];
  /** Forward (+ backward when training) compute seconds per device. */
  readonly computeSeconds: number;
  /** Collectives inside the op (forward output all-reduce, gradient all-reduces), seconds. */
  readonly commSeconds: number;
  /** Parameter state + saved output activation, bytes per device. */
  readonly memoryBytes: number;
  /** Present for PrimePar spatial-temporal strategies. */
  readonly temporal?: { readonly steps: number };
}
