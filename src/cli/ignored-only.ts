/**
 * A manifest file that holds only documents flink-deploy ignores (the Apache operator's canaries):
 * `plan` and `apply` say so, with the notes, and change nothing (exit 0).
 */
import type { CliIo } from './io';
import { loadManifestFile } from './manifest';
import { notesJson, notesText, type NoteJson } from './notes-view';
import type { Output } from './output';

/** The JSON document of `plan`/`apply` for such a file. */
export interface IgnoredOnlyJson {
  applied: false;
  message: string;
  notes: NoteJson[];
}

/** True (and said) when the file holds only canaries; false for anything else (the caller goes on). */
export function reportIgnoredOnly(input: {
  io: CliIo;
  output: Output;
  file: string;
  namespace: string | undefined;
  verb: 'plan' | 'apply';
}): boolean {
  const loaded = loadManifestFile(input.file, input.namespace, input.io.env);
  if (!loaded.ok || loaded.documents.length === 0) return false;
  if (!loaded.documents.every((doc) => doc.kind === 'canary')) return false;
  const message =
    input.verb === 'plan'
      ? `${input.file} holds only operator canaries: apply would do nothing`
      : `${input.file} holds only operator canaries: nothing was applied`;
  const notes = notesJson(loaded.notes);
  const document: IgnoredOnlyJson = { applied: false, message, notes };
  input.output.data(document, () => `${message}\n${notesText(notes)}`);
  return true;
}
