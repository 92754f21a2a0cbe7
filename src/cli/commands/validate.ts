/** `validate -f app.yaml`: the spec checks only; no cluster, no Temporal. */
import type { SessionJobSummary } from '../../spec/session';
import { Command } from 'commander';
import { formatSpecIssues } from '../../spec/errors';
import { flinkVersionTesting } from '../../spec/flink-version';
import { deployedName, namedAgain, type FileDocument, type ManifestFileResult } from '../../spec/manifest-file';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { issuesJson, loadManifestFile, type IssueJson } from '../manifest';
import { notesJson, notesText, type NoteJson } from '../notes-view';
import { manifestFiles, skippedNote } from '../fleet-manifests';
import { addFilesOption } from '../fleet-options';
import type { Output } from '../output';
import { addManifestNamespaceOption, addOutputOption, manifestNamespaceOf } from '../options';

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

/** One file as `validate` of several files describes it. */
export interface ValidatedFileJson {
  file: string;
  valid: boolean;
  documents?: ValidatedDocumentJson[];
  notes?: NoteJson[];
  errors: IssueJson[];
}

/** What `validate` found in one file: its JSON and its text. */
function validated(file: string, loaded: ManifestFileResult): { json: ValidateJson; text: string } {
  if (!loaded.ok)
    return {
      json: { valid: false, errors: issuesJson(loaded.issues) },
      text:
        `${file} is not valid (${loaded.issues.length} ` +
        `problem${loaded.issues.length === 1 ? '' : 's'}):\n${formatSpecIssues(loaded.issues)}`,
    };
  const documents = loaded.documents.map(described);
  const application = loaded.documents.find((doc) => doc.kind === 'application');
  const notes = notesJson(loaded.notes);
  return {
    json: {
      valid: true,
      ...(application ? { app: { namespace: application.spec.namespace, name: application.spec.name } } : {}),
      documents: documents.map(({ line: _line, ...rest }) => rest),
      ...(notes.length > 0 ? { notes } : {}),
      errors: [],
    },
    text: [...documents.map((doc) => doc.line), ...(notes.length > 0 ? [notesText(notes)] : [])].join('\n'),
  };
}

/** Applications (session clusters, session jobs) named by two of the files, as apply of them all refuses. */
function namedInTwoFiles(loaded: readonly { file: string; loaded: ManifestFileResult }[]): IssueJson[] {
  // A file naming one twice is refused on its own (namedTwice): each file's names count once here.
  const namings = loaded.flatMap(({ file, loaded: result }) =>
    result.ok
      ? [...new Set(result.documents.flatMap((doc) => deployedName(doc) ?? []))].map((name) => ({ name, file }))
      : [],
  );
  return namedAgain(namings).map(({ first, again }) => ({
    code: 'invalid-value',
    path: 'metadata.name',
    message: `${again.name} is named by ${first.file} and ${again.file}: apply takes one manifest per application`,
    hint: 'Keep one manifest of each application among the files, or rename one.',
  }));
}

/** `validate` of several files or a folder: each file as one, then the names across them. */
function validateMany(ctx: CliContext, output: Output, files: string[], namespace: string | undefined): ExitCode {
  const loaded = files.map((file) => ({ file, loaded: loadManifestFile(file, namespace, ctx.io.env) }));
  const results = loaded.map(({ file, loaded: result }) => ({ file, ...validated(file, result) }));
  const twice = namedInTwoFiles(loaded);
  const invalid = results.filter((r) => !r.json.valid).length;
  const valid = invalid === 0 && twice.length === 0;
  for (const r of results.filter((r) => !r.json.valid)) output.say(r.text);
  if (twice.length > 0)
    output.say(`not valid together:\n${twice.map((i) => `- ${i.message}\n    hint: ${i.hint}`).join('\n')}`);
  const json = {
    valid,
    files: results.map(({ file, json: { app: _app, ...rest } }): ValidatedFileJson => ({ file, ...rest })),
    errors: twice,
  };
  output.data(json, () =>
    [
      ...results.filter((r) => r.json.valid).map((r) => `${r.file}:\n${r.text.replace(/^/gm, '  ')}`),
      `${results.length - invalid} of ${results.length} manifests valid` +
        (twice.length > 0 ? `; ${twice.length} application(s) named in two of them` : ''),
    ].join('\n'),
  );
  return valid ? ExitCode.Success : ExitCode.InvalidInput;
}

export function validateCommand(ctx: CliContext): Command {
  const command = new Command('validate').description(
    'check manifests: FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot (the spec checks only: no cluster, ' +
      'no Temporal)',
  );
  addFilesOption(
    command,
    'manifest (YAML); - reads stdin; several -f, or a folder of manifests: each checked, and no application named ' +
      'in two',
  );
  addManifestNamespaceOption(command);
  addOutputOption(command);
  return command.action(
    action(ctx, command, (output) => {
      const paths = command.opts<{ file: string[] }>().file;
      const namespace = manifestNamespaceOf(command);
      const { files, skipped } = manifestFiles(paths);
      if (skipped.length > 0) output.say(skippedNote(skipped));
      if (files.length > 1 || paths.length > 1 || files[0] !== paths[0])
        return validateMany(ctx, output, files, namespace);
      const file = files[0]!;
      const { json, text } = validated(file, loadManifestFile(file, namespace, ctx.io.env));
      if (!json.valid) {
        output.say(text);
        output.data(json, () => '');
        return ExitCode.InvalidInput;
      }
      output.data(json, () => text);
      return ExitCode.Success;
    }),
  );
}
