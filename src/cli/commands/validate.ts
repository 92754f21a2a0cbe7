/** `validate -f app.yaml`: the spec checks only; no cluster, no Temporal. */
import type { SessionJobSummary } from '../../spec/session';
import { Command } from 'commander';
import { formatSpecIssues } from '../../spec/errors';
import { flinkVersionTesting } from '../../spec/flink-version';
import type { FileDocument } from '../../spec/manifest-file';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { issuesJson, loadManifestFile, type IssueJson } from '../manifest';
import { notesJson, notesText, type NoteJson } from '../notes-view';
import { addFileOption, addManifestNamespaceOption, addOutputOption, manifestNamespaceOf } from '../options';

/** One document of the file as `validate --output json` describes it. */
export interface ValidatedDocumentJson {
  /** application, session-cluster, session-job, snapshot, canary or kubernetes-object. */
  kind: FileDocument['kind'];
  namespace?: string;
  name: string;
  /** What `apply -f` does with it. */
  apply: string;
}

/** The JSON document of `validate`. */
export interface ValidateJson {
  valid: boolean;
  /** The application (a FlinkDeployment with spec.job), when the file holds one. */
  app?: { namespace: string; name: string };
  documents?: ValidatedDocumentJson[];
  notes?: NoteJson[];
  errors: IssueJson[];
}

function sessionJobApply(job: SessionJobSummary): string {
  return job.jarUriPlaceholder
    ? 'refused: jarURI is a placeholder to fill in'
    : `submits the job to session cluster ${job.deploymentName}, or upgrades it`;
}

function described(doc: FileDocument): ValidatedDocumentJson & { line: string } {
  switch (doc.kind) {
    case 'application': {
      const { spec } = doc;
      return {
        kind: doc.kind,
        namespace: spec.namespace,
        name: spec.name,
        apply: 'deploys or updates the application',
        line:
          `valid: ${spec.namespace}/${spec.name} (image ${spec.image}, Flink ` +
          `${spec.flinkVersion.major}.${spec.flinkVersion.minor} ${flinkVersionTesting(spec.flinkVersion)}, ` +
          `parallelism ${spec.job.parallelism}, upgradeMode ${spec.job.upgradeMode})`,
      };
    }
    case 'session-cluster':
      return {
        kind: doc.kind,
        namespace: doc.namespace,
        name: doc.name,
        apply: 'deploys or updates the session cluster',
        line: `valid: session cluster ${doc.namespace}/${doc.name} (apply deploys or updates the session cluster)`,
      };
    case 'session-job':
      return {
        kind: doc.kind,
        namespace: doc.job.namespace,
        name: doc.job.name,
        apply: sessionJobApply(doc.job),
        line:
          `valid: session job ${doc.job.namespace}/${doc.job.name} on ${doc.job.deploymentName} (jar ` +
          `${doc.job.jarURI}, upgradeMode ${doc.job.upgradeMode}; apply ${sessionJobApply(doc.job)})`,
      };
    case 'snapshot': {
      const { snapshot } = doc;
      const apply =
        snapshot.action === 'register'
          ? snapshot.job
            ? `registers the existing savepoint ${snapshot.path ?? ''} in the record of ${snapshot.job.kind} ` +
              `${snapshot.namespace}/${snapshot.job.name}`
            : `names the existing savepoint ${snapshot.path ?? ''}: a note beside the FlinkDeployment that starts ` +
              'from it; alone, refused without spec.jobReference'
          : `takes a savepoint of ${snapshot.job?.kind ?? 'FlinkDeployment'} ${snapshot.namespace}/` +
            `${snapshot.job?.name ?? ''}`;
      return {
        kind: doc.kind,
        namespace: snapshot.namespace,
        name: snapshot.name,
        apply,
        line: `valid: FlinkStateSnapshot ${snapshot.namespace}/${snapshot.name} (apply ${apply})`,
      };
    }
    case 'canary':
      return {
        kind: doc.kind,
        name: doc.name,
        apply: 'ignored: nothing to deploy',
        line: `valid: operator canary ${doc.name} (ignored: nothing to deploy)`,
      };
    case 'kubernetes-object':
    default:
      return {
        kind: doc.kind,
        name: doc.name,
        apply: 'refused: apply it with kubectl',
        line: `not checked: ${doc.objectKind} ${doc.name} (not flink-deploy's; apply it with kubectl)`,
      };
  }
}

export function validateCommand(ctx: CliContext): Command {
  const command = new Command('validate').description(
    'check a manifest: FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot (the spec checks only: no cluster, ' +
      'no Temporal)',
  );
  addFileOption(command);
  addManifestNamespaceOption(command);
  addOutputOption(command);
  return command.action(
    action(ctx, command, (output) => {
      const { file } = command.opts<{ file: string }>();
      const loaded = loadManifestFile(file, manifestNamespaceOf(command), ctx.io.env);
      if (loaded.ok) {
        const documents = loaded.documents.map(described);
        const application = loaded.documents.find((doc) => doc.kind === 'application');
        const notes = notesJson(loaded.notes);
        const document: ValidateJson = {
          valid: true,
          ...(application ? { app: { namespace: application.spec.namespace, name: application.spec.name } } : {}),
          documents: documents.map(({ line: _line, ...rest }) => rest),
          ...(notes.length > 0 ? { notes } : {}),
          errors: [],
        };
        output.data(document, () =>
          [...documents.map((doc) => doc.line), ...(notes.length > 0 ? [notesText(notes)] : [])].join('\n'),
        );
        return ExitCode.Success;
      }
      output.say(
        `${file} is not valid (${loaded.issues.length} ` +
          `problem${loaded.issues.length === 1 ? '' : 's'}):\n${formatSpecIssues(loaded.issues)}`,
      );
      const document: ValidateJson = { valid: false, errors: issuesJson(loaded.issues) };
      output.data(document, () => '');
      return ExitCode.InvalidInput;
    }),
  );
}
