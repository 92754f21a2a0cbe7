/** `validate -f app.yaml`: the spec checks only; no cluster, no Temporal. */
import { Command } from 'commander';
import { formatSpecIssues } from '../../spec/errors';
import { flinkVersionTesting } from '../../spec/flink-version';
import { action, type CliContext } from '../command-kit';
import { ExitCode } from '../exit-codes';
import { issuesJson, loadManifest, type IssueJson } from '../manifest';
import { addFileOption, addManifestNamespaceOption, addOutputOption, manifestNamespaceOf } from '../options';

/** The JSON document of `validate`. */
export interface ValidateJson {
  valid: boolean;
  app?: { namespace: string; name: string };
  errors: IssueJson[];
}

export function validateCommand(ctx: CliContext): Command {
  const command = new Command('validate').description(
    'check a FlinkDeployment manifest (the spec checks only: no cluster, no Temporal)',
  );
  addFileOption(command);
  addManifestNamespaceOption(command);
  addOutputOption(command);
  return command.action(
    action(ctx, command, (output) => {
      const { file } = command.opts<{ file: string }>();
      const loaded = loadManifest(file, manifestNamespaceOf(command));
      if (loaded.ok) {
        const { spec } = loaded;
        const document: ValidateJson = { valid: true, app: { namespace: spec.namespace, name: spec.name }, errors: [] };
        output.data(
          document,
          () =>
            `valid: ${spec.namespace}/${spec.name} (image ${spec.image}, Flink ` +
            `${spec.flinkVersion.major}.${spec.flinkVersion.minor} ${flinkVersionTesting(spec.flinkVersion)}, ` +
            `parallelism ${spec.job.parallelism}, ` +
            `upgradeMode ${spec.job.upgradeMode})`,
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
