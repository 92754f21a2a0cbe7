/**
 * Start-up benchmark of the CLI (issue 13 §1; printed figures, not a timed test): the wall time of
 * `flink-deploy --help` and of `flink-deploy validate -f <small manifest>`, the installed package (`npm pack`,
 * `npm install -g` into a temporary folder: JavaScript from dist/) beside the baseline, the checkout's
 * `bin/flink-deploy.js` running the TypeScript source through tsx (how the CLI ran before it was a package).
 * Alternated ABBA, medians. Target: installed median ≤ 0.4 s.
 *
 *   npx tsx scripts/bench/startup.ts [--rounds 5] [--installed <prefix>] [--baseline-root <checkout>]
 *
 * --installed reuses a prefix an earlier run installed into (its path is printed); --baseline-root times another
 * checkout's bin through tsx (e.g. the main branch's, for the figure before this change).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { cleanPath, emptyDir, installGlobal, node22Dir, packCheckout } from '../lib/packed-cli';
import { describeSummary, summarize } from './stats';

const root = path.resolve(__dirname, '..', '..');

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

/** One way of running the CLI: the command and its first arguments. */
interface Variant {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Wall time of one run, in seconds; throws when the run fails (a figure of a failing command means nothing). */
function timeRun(variant: Variant, args: string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(variant.command, [...variant.args, ...args], { cwd, env: variant.env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${variant.name} ${args.join(' ')}: exit ${run.status}\n${run.stderr}`);
  return seconds;
}

async function main(): Promise<void> {
  const rounds = Number(argument('--rounds') ?? '5');
  const baselineRoot = path.resolve(argument('--baseline-root') ?? root);
  let prefix = argument('--installed');
  if (!prefix) {
    prefix = emptyDir('flink-deploy-bench-');
    process.stdout.write(`packing and installing into ${prefix} …\n`);
    await installGlobal(await packCheckout(), prefix);
  }
  const cwd = emptyDir('flink-deploy-bench-cwd-');
  const manifest = path.join(cwd, 'app.yaml');
  copyFileSync(path.join(root, 'examples', 'ci', 'flink-app.yaml'), manifest);
  const installed: Variant = {
    name: 'installed package (dist/)',
    command: path.join(prefix, 'bin', 'flink-deploy'),
    args: [],
    env: { PATH: cleanPath(path.join(prefix, 'bin')), HOME: process.env.HOME },
  };
  const tsx: Variant = {
    name: `tsx (${path.relative(process.cwd(), baselineRoot) || '.'}/bin/flink-deploy.js, source)`,
    command: path.join(node22Dir, 'node'),
    args: [path.join(baselineRoot, 'bin', 'flink-deploy.js')],
    env: { PATH: cleanPath(), HOME: process.env.HOME },
  };
  const commands = [['--help'], ['validate', '-f', manifest]];
  // One warm-up run of each (the file cache), then ABBA rounds.
  for (const args of commands) for (const v of [installed, tsx]) timeRun(v, args, cwd);
  const samples = new Map<string, number[]>();
  const key = (v: Variant, args: string[]) => `${v.name}|${args[0]}`;
  for (let round = 0; round < rounds; round++) {
    for (const v of [installed, tsx, tsx, installed]) {
      for (const args of commands) {
        const list = samples.get(key(v, args)) ?? [];
        list.push(timeRun(v, args, cwd));
        samples.set(key(v, args), list);
      }
    }
  }
  const seconds = (x: number) => `${x.toFixed(3)} s`;
  const [load1] = loadavg();
  process.stdout.write(
    `\nstart-up, ABBA × ${rounds} rounds (${rounds * 2} runs each), ${new Date().toISOString()}, ` +
      `load average ${load1!.toFixed(1)}\n\n| command | ${installed.name} | ${tsx.name} | ratio |\n|---|---|---|---|\n`,
  );
  for (const args of commands) {
    const ours = summarize(samples.get(key(installed, args))!);
    const base = summarize(samples.get(key(tsx, args))!);
    const label = args[0] === '--help' ? 'flink-deploy --help' : 'flink-deploy validate -f app.yaml';
    process.stdout.write(
      `| ${label} | ${describeSummary(ours, seconds)} | ${describeSummary(base, seconds)} | ` +
        `${(ours.median / base.median).toFixed(2)} |\n`,
    );
  }
  for (const args of commands) {
    for (const v of [installed, tsx]) {
      const runs = samples.get(key(v, args))!.map((x) => x.toFixed(2));
      process.stdout.write(`runs ${args[0]} ${v.name}: ${runs.join(' / ')}\n`);
    }
  }
  process.stdout.write(`\ntarget: installed median ≤ 0.4 s; installed at ${prefix} (reuse with --installed)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
