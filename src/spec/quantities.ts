/**
 * CPU and memory quantities as the Apache operator accepts them: CPU as a number of cores or a
 * Kubernetes quantity (`500m`, `"0.5"`, `2`); memory as a Flink memory size (`2048m`, `2g`,
 * `1024mb`: binary units) or a Kubernetes quantity (`1Gi`, `512Mi`, `2G`).
 */

const MiB = 1024 * 1024;

const memoryUnits: Record<string, number> = {
  '': 1,
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kibibytes: 1024,
  m: MiB,
  mb: MiB,
  mebibytes: MiB,
  g: 1024 * MiB,
  gb: 1024 * MiB,
  gibibytes: 1024 * MiB,
  t: 1024 * 1024 * MiB,
  tb: 1024 * 1024 * MiB,
  tebibytes: 1024 * 1024 * MiB,
  ki: 1024,
  mi: MiB,
  gi: 1024 * MiB,
  ti: 1024 * 1024 * MiB,
};
const decimalUnits: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/**
 * Memory in MiB (rounded down), or undefined when `value` is not a memory size.
 * Flink semantics for `m`/`g` (binary); Kubernetes semantics for `K`/`M`/`G`/`T` (decimal)
 * and `Ki`/`Mi`/`Gi`/`Ti` (binary).
 */
export function parseMemoryMiB(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.floor(value / MiB) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  const factor = decimalUnits[unit] ?? memoryUnits[unit.toLowerCase()];
  if (factor === undefined || !(amount > 0)) return undefined;
  const mib = Math.floor((amount * factor) / MiB);
  return mib > 0 ? mib : undefined;
}

/** CPU in cores, or undefined when `value` is not a positive CPU quantity. */
export function parseCpu(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(value);
  if (!match) return undefined;
  const cores = match[2] === 'm' ? Number(match[1]) / 1000 : Number(match[1]);
  return cores > 0 ? cores : undefined;
}

/** Cores as a Kubernetes quantity: whole cores as `"2"`, otherwise millicores (`"500m"`). */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}
