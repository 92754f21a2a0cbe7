/**
 * Limits that Temporal, Kubernetes and Linux impose on what a spec becomes, checked when the
 * manifest is validated (so `validate`, `plan` and `apply` refuse before anything starts):
 *
 * - the deployed-state record (`<app>-deploy-state`, a ConfigMap: at most 1 MiB of data in
 *   Kubernetes) keeps the spec twice, the deployed and the last stable one, as indented JSON
 *   (src/k8s/state-record/codec.ts), beside the savepoint and operation history;
 * - a Temporal payload (the workflow input carries the spec) is refused over 2 MiB by the
 *   server's default `limit.blobSize.error`;
 * - one command-line argument of the JobManager (the job args) is refused by Linux over
 *   128 KiB (`MAX_ARG_STRLEN`): the container would never start. With the launch checks
 *   (ValidateOptions.launchChecks) so are the JobManager's other arguments from the manifest (the jar URI,
 *   the entry class, the restore path) and each `NAME=value` environment string and argument of the pod
 *   templates' containers (Linux bounds the environment's strings the same way).
 *
 * Temporal also logs a warning for payloads over 512 KiB (`limit.blobSize.warn`); a spec that
 * fits the record is always below that (two copies fit in 1 MiB), so there is no warning here.
 */
import { formatBytes, utf8Length } from './byte-size';
import { isRecord } from './yaml-documents';
import { SpecIssueCode, type AppSpec, type SpecIssue } from './types';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Kubernetes' limit on the data of one ConfigMap. */
export const configMapLimitBytes = 1 * MiB;
/** Room left in the record for everything but the two specs: savepoints, history, the lock. */
export const recordReserveBytes = 128 * KiB;
/** The most one spec may take in the record: two of them and the reserve fit in a ConfigMap. */
export const recordSpecBudgetBytes = (configMapLimitBytes - recordReserveBytes) / 2;
/** Temporal's default `limit.blobSize.error`: the largest payload the server accepts. */
export const temporalPayloadLimitBytes = 2 * MiB;
/** Temporal's default `limit.blobSize.warn`. */
export const temporalPayloadWarnBytes = 512 * KiB;
/** Linux's `MAX_ARG_STRLEN`: the longest single command-line argument, with its terminating NUL. */
export const maxArgumentBytes = 128 * KiB;

/** The bytes of `spec` in the record's JSON, where it sits one level deep (two more spaces a line). */
export function recordSpecBytes(spec: AppSpec): number {
  const json = JSON.stringify(spec, null, 2);
  let newlines = 0;
  for (let i = json.indexOf('\n'); i >= 0; i = json.indexOf('\n', i + 1)) newlines++;
  return utf8Length(json) + 2 * newlines;
}

/** The bytes of the workflow input `{ spec }` as Temporal's JSON payload converter writes it. */
export function workflowInputBytes(spec: AppSpec): number {
  return utf8Length(JSON.stringify({ spec }));
}

/** The field of the manifest's spec (or of its job) that takes the most room, for the hint. */
function largestPart(spec: AppSpec): { path: string; bytes: number } | undefined {
  const manifestSpec = isRecord(spec.manifest.spec) ? spec.manifest.spec : {};
  const job = isRecord(manifestSpec.job) ? manifestSpec.job : {};
  const fields = [
    ...Object.entries(manifestSpec)
      .filter(([field]) => field !== 'job')
      .map(([field, value]) => [`spec.${field}`, value] as const),
    ...Object.entries(job).map(([field, value]) => [`spec.job.${field}`, value] as const),
  ];
  const parts = fields.map(([path, value]) => ({ path, bytes: utf8Length(JSON.stringify(value) ?? '') }));
  return parts.sort((a, b) => b.bytes - a.bytes)[0];
}

function hint(spec: AppSpec): string {
  const part = largestPart(spec);
  const where = part ? `The largest part is ${part.path} (${formatBytes(part.bytes)}). ` : '';
  return (
    `${where}Keep large data out of the manifest: put it in the image, a mounted ConfigMap or object ` +
    `storage, and pass its location.`
  );
}

/**
 * The issue of one string a process starts with (an argument, or a `NAME=value` of its environment) over Linux's
 * `MAX_ARG_STRLEN` (with its terminating NUL): `execve` fails with E2BIG and the container never starts.
 */
function argumentIssues(input: {
  path: string;
  text: string;
  what: string;
  process: 'JobManager' | 'container';
  hint: string;
}): SpecIssue[] {
  const bytes = utf8Length(input.text) + 1;
  if (bytes <= maxArgumentBytes) return [];
  return [
    {
      code: SpecIssueCode.LimitExceeded,
      path: input.path,
      message:
        `${input.what} is ${formatBytes(bytes)}; Linux refuses a command-line argument over ` +
        `${formatBytes(maxArgumentBytes)} (MAX_ARG_STRLEN), so the ${input.process} could not start`,
      hint: input.hint,
    },
  ];
}

/** The containers of a pod template as written (`spec.containers`, `spec.initContainers`), with their paths. */
function templateContainers(template: unknown, path: string): { container: Record<string, unknown>; path: string }[] {
  const spec = isRecord(template) && isRecord(template.spec) ? template.spec : {};
  return (['initContainers', 'containers'] as const).flatMap((field) => {
    const list = spec[field];
    return Array.isArray(list)
      ? list.flatMap((container, index) =>
          isRecord(container) ? [{ container, path: `${path}.spec.${field}[${index}]` }] : [],
        )
      : [];
  });
}

/** The launch checks of what the processes start with: the JobManager's arguments, the pod templates' containers. */
function launchArgumentIssues(spec: AppSpec): SpecIssue[] {
  const { job } = spec;
  const jobManager = (path: string, text: string | undefined, what: string) =>
    text === undefined
      ? []
      : argumentIssues({
          path,
          text,
          what,
          process: 'JobManager',
          hint: 'No URI, class name or savepoint path is this long: check the value.',
        });
  const issues = [
    ...jobManager('spec.job.jarURI', job.jarURI, 'the jar URI (--jars)'),
    ...jobManager('spec.job.entryClass', job.entryClass, 'the entry class (--job-classname)'),
    ...jobManager('spec.job.initialSavepointPath', job.initialSavepointPath, 'the restore path (--fromSavepoint)'),
  ];
  const container = (path: string, text: string, what: string) =>
    argumentIssues({
      path,
      text,
      what,
      process: 'container',
      hint: 'Mount large values as a file (a ConfigMap or Secret volume) and give the process its path.',
    });
  const manifestSpec = isRecord(spec.manifest.spec) ? spec.manifest.spec : {};
  const roleTemplate = (role: string) => {
    const component = manifestSpec[role];
    return isRecord(component) ? component.podTemplate : undefined;
  };
  const templates = [
    ['spec.podTemplate', manifestSpec.podTemplate],
    ['spec.jobManager.podTemplate', roleTemplate('jobManager')],
    ['spec.taskManager.podTemplate', roleTemplate('taskManager')],
  ] as const;
  for (const [templatePath, template] of templates)
    for (const { container: written, path } of templateContainers(template, templatePath)) {
      const env = Array.isArray(written.env) ? written.env : [];
      env.forEach((variable, index) => {
        if (isRecord(variable) && typeof variable.name === 'string' && typeof variable.value === 'string')
          issues.push(
            ...container(
              `${path}.env[${index}].value`,
              `${variable.name}=${variable.value}`,
              `the environment variable ${variable.name}`,
            ),
          );
      });
      for (const field of ['command', 'args'] as const) {
        const list: unknown[] = Array.isArray(written[field]) ? written[field] : [];
        list.forEach((arg, index) => {
          if (typeof arg === 'string')
            issues.push(...container(`${path}.${field}[${index}]`, arg, `this ${field} entry`));
        });
      }
    }
  return issues;
}

/** Issues for a spec that does not fit the limits above, each naming the limit and the measured size. */
export function sizeLimitIssues(spec: AppSpec, options: { launchChecks?: boolean } = {}): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.job.args.forEach((arg, index) => {
    issues.push(
      ...argumentIssues({
        path: `spec.job.args[${index}]`,
        text: arg,
        what: 'this job argument',
        process: 'JobManager',
        hint: 'Pass large values as a file (in the image or a mounted volume) and give the job its path.',
      }),
    );
  });
  if (options.launchChecks ?? true) issues.push(...launchArgumentIssues(spec));
  const recordBytes = recordSpecBytes(spec);
  if (recordBytes > recordSpecBudgetBytes) {
    issues.push({
      code: SpecIssueCode.LimitExceeded,
      path: 'spec',
      message:
        `the spec takes ${formatBytes(recordBytes)} in the deployed-state record; the record is a Kubernetes ` +
        `ConfigMap (${spec.name}-deploy-state, at most ${formatBytes(configMapLimitBytes)}) that keeps the ` +
        `spec twice (deployed and last stable) beside ${formatBytes(recordReserveBytes)} of savepoint and ` +
        `operation history, so a spec may take at most ${formatBytes(recordSpecBudgetBytes)}`,
      hint: hint(spec),
    });
  }
  const inputBytes = workflowInputBytes(spec);
  if (inputBytes > temporalPayloadLimitBytes) {
    issues.push({
      code: SpecIssueCode.LimitExceeded,
      path: 'spec',
      message:
        `the operation's input is ${formatBytes(inputBytes)}; Temporal refuses payloads over ` +
        `${formatBytes(temporalPayloadLimitBytes)} (limit.blobSize.error)`,
      hint: hint(spec),
    });
  }
  return issues;
}
