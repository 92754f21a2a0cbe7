/**
 * Workflows check their input before any side effect: a run started directly (`temporal workflow
 * start`, a script), not through the CLI, gets the same schema the CLI applies: its own `manifest`
 * must validate, and the spec's fields must have the shape and range the schema allows; anything
 * else fails with InvalidSpec and changes nothing. Pure (the spec module runs in the sandbox):
 * no command, so replay is unchanged; only an input the checks of option values, the launch checks, the checks
 * added third or fourth or changed fifth judge differently from the checks before them asks for a marker (a run
 * started before a check replays as it ran).
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import { savepointPathProblem } from '../contract/savepoint-paths';
import { formatSpecIssues } from '../spec/errors';
import type { OptionValuesCheck } from '../spec/normalize';
import { validateManifest } from '../spec/parse';
import { maxStabilitySeconds } from '../spec/stability-limits';
import { canonicalJson } from '../spec/hash';
import type { AppSpec, ParseResult } from '../spec/types';

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidSpec,
    nonRetryable: true,
    message:
      `invalid workflow input: ${message}; nothing was changed (start it with \`flink-deploy apply -f ` +
      `<manifest>\`, which validates and normalises the manifest)`,
  });
}

/** The spec of an `apply`/`deploy`/`upgrade` input, checked; throws InvalidSpec otherwise. */
export function validSpec(input: unknown): AppSpec {
  const spec = typeof input === 'object' && input !== null ? (input as { spec?: unknown }).spec : undefined;
  if (typeof spec !== 'object' || spec === null) throw invalid('no `spec` object');
  const manifest = (spec as { manifest?: unknown }).manifest;
  if (typeof manifest !== 'object' || manifest === null)
    throw invalid('the spec has no `manifest` to check it against');
  const checked = validManifest(manifest);
  const problems = specProblems(spec as AppSpec, checked);
  if (problems.length) throw invalid(`the spec is not valid: ${problems.join('; ')}`);
  return spec as AppSpec;
}

/**
 * `patched()` id: option values Flink cannot read are refused (src/spec/scheduler.ts, flink-option-values.ts); a
 * run started before the check, with such a value, replays as it ran (Flink failed, and the run with it).
 */
export const OptionValuesPatch = 'option-values-refused';

/**
 * `patched()` id: option values are read as the manifest's Flink version reads them (Flink 1.x checked too, each
 * 2.x minor by its own types); a run started under the first check (Flink 2.3's types for every 2.x) replays as
 * it ran.
 */
export const OptionValuesByVersionPatch = 'option-values-by-version';

/**
 * `patched()` id: what Flink or the container launch fails on is refused (ValidateOptions.launchChecks: counts over
 * 32 bits, jar and state URIs Flink cannot open, memory over 64-bit bytes, over-long launch strings, labels
 * Kubernetes refuses; docs/spec.md); a run started before, with such a manifest, replays as it ran (the checks
 * before decide, under their own markers).
 */
export const LaunchChecksPatch = 'launch-checks';

/**
 * `patched()` id: the checks added third are made (ValidateOptions.specChecks3: a session job's option values Flink
 * reads with the job, the stability window and timeout over 2 hours, credentials in a state directory; and a
 * savepoint path at `file://localhost/…`, which Flink refuses; docs/spec.md); a run started before, with such an
 * input, replays as it ran (the checks before decide, under their own markers).
 */
export const SpecChecks3Patch = 'spec-checks-3';

/**
 * `patched()` id: the checks added fourth are made (ValidateOptions.specChecks4: a FlinkSessionJob's stability timeout
 * not longer than its window, refused as a FlinkDeployment's; docs/spec.md); a run started before, with such a
 * session job, replays as it ran (the checks before decide, under their own markers).
 */
export const SpecChecks4Patch = 'spec-checks-4';

/**
 * `patched()` id: the checks changed fifth (ValidateOptions.specChecks5: a state path `file:/…`, Flink's own form of a
 * local path, taken in the restore path and the state directories; docs/spec.md); a run started before, refused
 * for such a path, replays as it ran (the checks before decide, under their own markers).
 */
export const SpecChecks5Patch = 'spec-checks-5';

/** The checks of option values, newest first. */
const optionValuesChecks: readonly OptionValuesCheck[] = ['by-version', 'flink-2.3', false];

/** The manifest's spec, or InvalidSpec naming every issue. */
function validManifest(manifest: object): AppSpec {
  const latest = validateManifest(manifest);
  const specChecked4 = validateManifest(manifest, { specChecks5: false });
  const specChecked3 = validateManifest(manifest, { specChecks4: false, specChecks5: false });
  const launchChecked = validateManifest(manifest, { specChecks3: false, specChecks4: false, specChecks5: false });
  const [byVersion, first, none] = optionValuesChecks.map((optionValues) =>
    validateManifest(manifest, {
      optionValues,
      launchChecks: false,
      specChecks3: false,
      specChecks4: false,
      specChecks5: false,
    }),
  ) as [ParseResult, ParseResult, ParseResult];
  // Nearly always every check agrees: no marker. Otherwise the check the run started under, newest first: the
  // checks changed fifth when they decide otherwise and the run has their marker; else, as before them, the checks
  // added fourth the same way; else those added third; else the launch checks; else, as before those, the checks of
  // option values.
  const beforeLaunchChecks = (): ParseResult => {
    const agree = byVersion.ok === first.ok && first.ok === none.ok;
    return agree || patched(OptionValuesByVersionPatch) ? byVersion : patched(OptionValuesPatch) ? first : none;
  };
  const beforeSpecChecks3 = (): ParseResult =>
    launchChecked.ok !== byVersion.ok && patched(LaunchChecksPatch) ? launchChecked : beforeLaunchChecks();
  const beforeSpecChecks4 = (): ParseResult =>
    specChecked3.ok !== launchChecked.ok && patched(SpecChecks3Patch) ? specChecked3 : beforeSpecChecks3();
  const beforeSpecChecks5 = (): ParseResult =>
    specChecked4.ok !== specChecked3.ok && patched(SpecChecks4Patch) ? specChecked4 : beforeSpecChecks4();
  const verdict = latest.ok !== specChecked4.ok && patched(SpecChecks5Patch) ? latest : beforeSpecChecks5();
  // The same verdict as today's checks: their spec (the same) or their issues (all of them).
  const checked = verdict.ok === latest.ok ? latest : verdict;
  if (checked.ok) return checked.spec;
  throw invalid(`the spec's manifest is invalid:\n${formatSpecIssues(checked.issues)}`);
}

/**
 * The spec's own fields the workflows act on, checked beside its manifest (a caller may have
 * changed a valid spec, e.g. tests and scripts build variants): names as the manifest's, and
 * every field of the shape and range the schema allows.
 */
function specProblems(spec: AppSpec, fromManifest: AppSpec): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  check(spec.name === fromManifest.name, `name ${JSON.stringify(spec.name)} is not the manifest's`);
  check(spec.namespace === fromManifest.namespace, `namespace ${JSON.stringify(spec.namespace)} is not the manifest's`);
  // A session job runs on its cluster's image (AppSpec.sessionJob): its own is a placeholder.
  const sessionJob = fromManifest.sessionJob;
  check(
    canonicalJson(spec.sessionJob ?? null) === canonicalJson(sessionJob ?? null),
    "sessionJob is not the manifest's (kind FlinkSessionJob, spec.deploymentName)",
  );
  if (!sessionJob) check(text(spec.image), 'image must be a non-empty string');
  const job = (spec.job ?? {}) as Partial<AppSpec['job']>;
  // A session cluster (no spec.job) is one exactly when its manifest is; its job has no jar.
  const session = fromManifest.sessionCluster === true;
  check((spec.sessionCluster === true) === session, "sessionCluster is not the manifest's (it has no spec.job)");
  check(session ? job.jarURI === '' : text(job.jarURI), 'job.jarURI must be a non-empty string');
  check(positiveInt(job.parallelism), 'job.parallelism must be a positive integer');
  check(['stateless', 'savepoint', 'last-state'].includes(job.upgradeMode as string), 'job.upgradeMode is unknown');
  check(['running', 'suspended'].includes(job.state as string), 'job.state must be running or suspended');
  check(Array.isArray(job.args) && job.args.every((a) => typeof a === 'string'), 'job.args must be strings');
  check(positiveInt(spec.jobManager?.replicas), 'jobManager.replicas must be a positive integer');
  check(positiveInt(spec.taskManager?.replicas), 'taskManager.replicas must be a positive integer');
  const onDemand = spec.taskManager?.onDemand;
  check(onDemand === undefined || (session && onDemand === true), 'taskManager.onDemand is true, of a session cluster');
  check(positiveInt(spec.slotsPerTaskManager), 'slotsPerTaskManager must be a positive integer');
  check(positiveInt(spec.stability?.windowSeconds), 'stability.windowSeconds must be a positive integer');
  check(positiveInt(spec.stability?.timeoutSeconds), 'stability.timeoutSeconds must be a positive integer');
  // At most the schema's bound; a run started before the bound took any (patch spec-checks-3, asked only of a
  // spec over it).
  for (const field of ['windowSeconds', 'timeoutSeconds'] as const) {
    const over = (spec.stability?.[field] ?? 0) > maxStabilitySeconds;
    check(!over || !patched(SpecChecks3Patch), `stability.${field} must be at most ${maxStabilitySeconds}`);
  }
  // The timeout longer than the window, as the manifest's check asks (patch spec-checks-4, asked only of a spec
  // whose timeout is not).
  const { windowSeconds = 0, timeoutSeconds = 0 } = spec.stability ?? {};
  check(
    timeoutSeconds > windowSeconds || !patched(SpecChecks4Patch),
    `stability.timeoutSeconds (${timeoutSeconds}) must be longer than stability.windowSeconds (${windowSeconds})`,
  );
  const config = spec.flinkConfiguration;
  check(
    typeof config === 'object' && config !== null && Object.values(config).every((v) => typeof v === 'string'),
    'flinkConfiguration must map keys to strings',
  );
  // The Ingress is rendered from spec.ingress: it must be the one the manifest's template gives.
  check(
    canonicalJson(spec.ingress ?? null) === canonicalJson(fromManifest.ingress ?? null),
    "ingress is not the manifest's spec.ingress",
  );
  return problems;
}

/** An application reference `{ namespace, name }` as Kubernetes names allow; throws InvalidSpec otherwise. */
export function validApp(input: unknown): void {
  const app = typeof input === 'object' && input !== null ? (input as { app?: unknown }).app : undefined;
  const dns = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const ok =
    typeof app === 'object' &&
    app !== null &&
    typeof (app as { namespace?: unknown }).namespace === 'string' &&
    typeof (app as { name?: unknown }).name === 'string' &&
    dns.test((app as { namespace: string }).namespace) &&
    dns.test((app as { name: string }).name);
  if (!ok) throw invalid('`app` must be { namespace, name } with Kubernetes names');
}

/** A savepoint's directory and format (a FlinkStateSnapshot's), when given, checked; throws InvalidSpec otherwise. */
export function validSavepointTarget(input: { targetDirectory?: unknown; formatType?: unknown }): void {
  const { targetDirectory, formatType } = input;
  if (formatType !== undefined && formatType !== 'CANONICAL' && formatType !== 'NATIVE')
    throw invalid(`formatType ${JSON.stringify(formatType)} is not CANONICAL or NATIVE`);
  if (targetDirectory === undefined) return;
  if (typeof targetDirectory !== 'string') throw invalid('targetDirectory must be a string');
  const problem = savepointPathProblemOfRun(targetDirectory);
  if (problem) throw invalid(`targetDirectory: ${problem.message}`);
}

/**
 * What is wrong with a savepoint path as the run's checks judge it: today's, or, for a run started before patch
 * `spec-checks-3` (asked only of a path the checks before took), those checks'.
 */
function savepointPathProblemOfRun(path: string): ReturnType<typeof savepointPathProblem> {
  const problem = savepointPathProblem(path);
  const before = problem && savepointPathProblem(path, { specChecks3: false });
  return problem && (before || patched(SpecChecks3Patch)) ? problem : undefined;
}

/**
 * The savepoint a run restores or records (`rollback --to-savepoint`, a registration), checked: a
 * missing or non-absolute path, or one holding credentials, throws InvalidSpec before anything changes.
 */
export function validSavepointPath(path: unknown): string {
  const problem =
    typeof path === 'string' && path !== ''
      ? savepointPathProblemOfRun(path)
      : { message: 'is missing', hint: 'give the savepoint directory' };
  if (problem)
    throw ApplicationFailure.create({
      type: FailureType.InvalidSpec,
      nonRetryable: true,
      message: `invalid workflow input: the savepoint path ${problem.message}; nothing was changed (${problem.hint})`,
    });
  return path as string;
}
