/**
 * Options of `npm run soak` (scripts/soak.ts). A bad value exits 2 naming the option and what
 * it takes; nothing has been started by then.
 */

/** What one soak run does. */
export interface SoakOptions {
  /** Applications upgraded side by side. @default 3 */
  apps: number;
  /** Upgrades of each application, one after another. @default 100 */
  upgrades: number;
  /** Worker processes on the soak's task queue (one of them is SIGKILLed at a time). @default 2 */
  workers: number;
  /** Mean seconds between two worker SIGKILLs (each gap drawn from 0.5× to 1.5× of it); 0: none. @default 60 */
  killEverySeconds: number;
  /** Interval of each application's periodic savepoint schedule. @default 30 */
  savepointEverySeconds: number;
  /** Periodic savepoints kept by retention. @default 3 */
  keep: number;
  /** Bound of the wait for each upgrade (the CLI's --timeout). @default 10 */
  upgradeTimeoutMinutes: number;
  /** No upgrade starts after this many minutes (the ones running finish, then the report); 0: no bound. @default 0 */
  maxMinutes: number;
}

export const defaultSoakOptions: SoakOptions = {
  apps: 3,
  upgrades: 100,
  workers: 2,
  killEverySeconds: 60,
  savepointEverySeconds: 30,
  keep: 3,
  upgradeTimeoutMinutes: 10,
  maxMinutes: 0,
};

const flags: Record<string, { key: keyof SoakOptions; min: number; what: string }> = {
  '--apps': { key: 'apps', min: 1, what: 'applications upgraded side by side' },
  '--upgrades': { key: 'upgrades', min: 1, what: 'upgrades of each application' },
  '--workers': { key: 'workers', min: 1, what: 'worker processes' },
  '--kill-every': { key: 'killEverySeconds', min: 0, what: 'mean seconds between worker SIGKILLs (0: none)' },
  '--savepoint-every': { key: 'savepointEverySeconds', min: 10, what: 'seconds between periodic savepoints' },
  '--keep': { key: 'keep', min: 1, what: 'periodic savepoints kept' },
  '--upgrade-timeout': { key: 'upgradeTimeoutMinutes', min: 1, what: 'minutes to wait for one upgrade' },
  '--max-minutes': { key: 'maxMinutes', min: 0, what: 'minutes after which no upgrade starts (0: no bound)' },
};

/** The usage line printed with an error or for --help. */
export function soakUsage(): string {
  const lines = Object.entries(flags).map(
    ([flag, f]) => `  ${flag} N`.padEnd(22) + `${f.what} (default ${defaultSoakOptions[f.key]}, at least ${f.min})`,
  );
  return ['Usage: npm run soak -- [options]', ...lines].join('\n');
}

/** Thrown for a bad command line: the message names the option and what it takes. */
export class SoakUsageError extends Error {}

/** Parses `argv` (the arguments after the script). */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const options = { ...defaultSoakOptions };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const f = flags[flag];
    if (!f) throw new SoakUsageError(`unknown option ${flag}; the options are ${Object.keys(flags).join(', ')}`);
    const raw = argv[i + 1];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < f.min)
      throw new SoakUsageError(
        `${flag} takes a whole number of at least ${f.min} (${f.what}); got ${raw ?? 'nothing'}`,
      );
    options[f.key] = value;
  }
  return options;
}
