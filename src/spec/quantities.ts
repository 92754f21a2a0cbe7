/**
 * CPU and memory quantities as the Apache operator accepts them: CPU as a number of cores or a
 * Kubernetes quantity (`500m`, `"0.5"`, `2`); memory as a Flink memory size (`2048m`, `2g`,
 * `1024mb`: binary units) or a Kubernetes quantity (`1Gi`, `512Mi`, `2G`).
 */

const MiB = 1n << 20n;

const memoryUnits: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  bytes: 1n,
  k: 1n << 10n,
  kb: 1n << 10n,
  kibibytes: 1n << 10n,
  m: MiB,
  mb: MiB,
  mebibytes: MiB,
  g: 1n << 30n,
  gb: 1n << 30n,
  gibibytes: 1n << 30n,
  t: 1n << 40n,
  tb: 1n << 40n,
  tebibytes: 1n << 40n,
  ki: 1n << 10n,
  mi: MiB,
  gi: 1n << 30n,
  ti: 1n << 40n,
};
const decimalUnits: Record<string, bigint> = { K: 10n ** 3n, M: 10n ** 6n, G: 10n ** 9n, T: 10n ** 12n };

/** The most memory Flink can hold: `MemorySize` counts bytes in a 64-bit long (2^63 − 1). */
export const maxMemoryBytes = (1n << 63n) - 1n;
/** The most whole MiB within it (`8796093022207m`): memory is rendered as whole MiB, exactly, up to it. */
export const maxMemoryMiB = Number(maxMemoryBytes / MiB);

/**
 * Memory in bytes, exactly (no floating point: `999999999999Ti` is 1099511627774901100544 bytes), rounded down to a
 * whole byte, or undefined when `value` is not a memory size (a number is bytes, as Kubernetes reads it).
 * Flink semantics for `m`/`g` (binary); Kubernetes semantics for `K`/`M`/`G`/`T` (decimal) and `Ki`/`Mi`/`Gi`/`Ti`
 * (binary).
 */
export function parseMemoryBytes(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? BigInt(Math.floor(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+)(?:\.(\d+))?\s*([A-Za-z]*)\s*$/.exec(value);
  if (!match) return undefined;
  const [, whole = '', fraction = '', unit = ''] = match;
  const lower = unit.toLowerCase();
  const factor = Object.hasOwn(decimalUnits, unit)
    ? decimalUnits[unit]
    : Object.hasOwn(memoryUnits, lower)
      ? memoryUnits[lower]
      : undefined;
  if (factor === undefined) return undefined;
  const bytes = (BigInt(whole + fraction) * factor) / 10n ** BigInt(fraction.length);
  return bytes > 0n ? bytes : undefined;
}

/**
 * Memory in MiB (rounded down), or undefined when `value` is not a memory size (see `parseMemoryBytes`; a string
 * of less than 1 MiB neither). Exact up to `maxMemoryMiB`, which is all the launch checks take.
 */
export function parseMemoryMiB(value: unknown): number | undefined {
  const bytes = parseMemoryBytes(value);
  if (bytes === undefined) return undefined;
  const mib = Number(bytes / MiB);
  return mib > 0 || typeof value === 'number' ? mib : undefined;
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
