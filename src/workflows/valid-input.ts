/**
 * Workflows check their input before any side effect: a run started directly (`temporal workflow
 * start`, a script), not through the CLI, gets the same schema the CLI applies. The spec must be
 * exactly what its own `manifest` normalises to; anything else fails with InvalidSpec and
 * changes nothing. Pure (the spec module runs in the sandbox): no command, so replay is unchanged.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../contract/failures';
import { formatSpecIssues } from '../spec/errors';
import { canonicalJson } from '../spec/hash';
import { validateManifest } from '../spec/parse';
import type { AppSpec } from '../spec/types';

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InvalidSpec,
    nonRetryable: true,
    message: `invalid workflow input: ${message}; nothing was changed (start it with \`flink-deploy apply -f <manifest>\`, which validates and normalises the manifest)`,
  });
}

/** The spec of an `apply`/`deploy`/`upgrade` input, checked; throws InvalidSpec otherwise. */
export function validSpec(input: unknown): AppSpec {
  const spec = typeof input === 'object' && input !== null ? (input as { spec?: unknown }).spec : undefined;
  if (typeof spec !== 'object' || spec === null) throw invalid('no `spec` object');
  const manifest = (spec as { manifest?: unknown }).manifest;
  if (typeof manifest !== 'object' || manifest === null)
    throw invalid('the spec has no `manifest` to check it against');
  const checked = validateManifest(manifest);
  if (!checked.ok) throw invalid(`the spec's manifest is invalid:\n${formatSpecIssues(checked.issues)}`);
  if (canonicalJson(checked.spec) !== canonicalJson(spec)) {
    throw invalid('the spec is not what its manifest normalises to (edited after validation?)');
  }
  return checked.spec;
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
