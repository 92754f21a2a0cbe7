/**
 * The format of the savepoints flink-deploy takes of an application (docs/spec.md, "Savepoint format"): the
 * Apache operator's `kubernetes.operator.savepoint.format.type` (NATIVE or CANONICAL), honoured as that
 * operator does, so its manifests keep their savepoints working. Canonical unless set: a job whose state Flink
 * cannot write canonically (Flink 2's async state API: "Not supported yet") needs NATIVE.
 */
import { SavepointFormatType } from '../flink/dto';
import { SpecIssueCode, type SpecIssue } from './types';

/** The key, in spec.flinkConfiguration. */
export const savepointFormatKey = 'kubernetes.operator.savepoint.format.type';

/** The format asked for; undefined when the key is not set (Flink's default, canonical). */
export function savepointFormatOf(config: Readonly<Record<string, string>>): SavepointFormatType | undefined {
  const value = config[savepointFormatKey]?.trim().toUpperCase();
  return value === SavepointFormatType.Native || value === SavepointFormatType.Canonical ? value : undefined;
}

/** The key set to something else than NATIVE or CANONICAL. */
export function savepointFormatIssues(config: Readonly<Record<string, string>>, configPath: string): SpecIssue[] {
  const value = config[savepointFormatKey];
  if (value === undefined || savepointFormatOf(config) !== undefined) return [];
  return [
    {
      code: SpecIssueCode.InvalidValue,
      path: `${configPath}["${savepointFormatKey}"]`,
      message: `${savepointFormatKey} is ${JSON.stringify(value)}: the savepoint format is NATIVE or CANONICAL`,
      hint: `Set ${savepointFormatKey}: NATIVE (a job on Flink 2's async state needs it) or CANONICAL.`,
    },
  ];
}
