/**
 * Time, GPU-hours, cost and energy of a training run from a plan's throughput.
 *
 * Energy model (documented assumptions):
 *   utilisationFraction = HFU  (hardware FLOPs utilisation: the fraction of peak tensor throughput
 *                               the plan keeps busy, recompute counted)
 *   powerWattsPerGpu    = TDP · (idlePowerFraction + (1 − idlePowerFraction) · utilisationFraction)
 *   energyKwh           = gpuHours · powerWattsPerGpu · PUE / 1000
 * TDP is the board power from the device profile (vendor datasheet). The linear idle-to-peak
 * power model is the standard server model of Fan, Weber & Barroso 2007 ("Power provisioning for
 * a warehouse-sized computer", ISCA, §4.1); Patterson et al. 2021 ("Carbon emissions and large
 * neural network training", arXiv:2104.10350, §2 and Table 4) compute training energy as
 * hours × processors × average power × PUE, with PUE 1.1 for Google data centres (the US
 * average they quote is 1.58). The default idle fraction 0.3 is an assumption (modern
 * accelerators idle at 10–30% of TDP; 0.3 also covers HBM/NVLink power while communicating) —
 * pass `energy.idlePowerFraction` / `energy.pue` in the spec to change either.
 * Host CPUs, NICs and switches are not counted.
 */

/** Default PUE and idle power fraction of a study (sources above). */
export const DEFAULT_PUE = 1.1;
export const DEFAULT_IDLE_POWER_FRACTION = 0.3;

export const SECONDS_PER_DAY = 86_400;
export const HOURS_PER_DAY = 24;
const WATTS_PER_KILOWATT = 1000;

/** tokens / (tokens/s) / 86400 s/day. */
export function timeToTrainDays(goalTokens: number, tokensPerSecond: number): number {
  return goalTokens / tokensPerSecond / SECONDS_PER_DAY;
}

/** GPUs × days × 24 h/day. */
export function gpuHours(worldSizeGpus: number, days: number): number {
  return worldSizeGpus * days * HOURS_PER_DAY;
}

/** Average board power of one GPU, in watts (linear idle-to-TDP model above). */
export function powerWattsPerGpu(
  tdpWatts: number,
  utilisationFraction: number,
  idlePowerFraction: number,
): number {
  const busy = Math.min(1, Math.max(0, utilisationFraction));
  return tdpWatts * (idlePowerFraction + (1 - idlePowerFraction) * busy);
}

/** Facility energy in kWh: GPU-hours × W × PUE / 1000. */
export function energyKwh(totalGpuHours: number, wattsPerGpu: number, pue: number): number {
  return (totalGpuHours * wattsPerGpu * pue) / WATTS_PER_KILOWATT;
}
