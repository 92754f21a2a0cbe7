/** The notes of a manifest (what flink-deploy accepts but ignores or runs differently), for people and JSON. */
import type { SpecNote } from '../spec/types';

/** One note as `--output json` prints it. */
export interface NoteJson {
  path: string;
  message: string;
  document?: number;
}

/** The notes as JSON (stable field names). */
export function notesJson(notes: readonly SpecNote[] | undefined): NoteJson[] {
  return (notes ?? []).map(({ path, message, document }) => ({ path, message, document }));
}

/** `note: …` lines, one per note. */
export function notesText(notes: readonly NoteJson[]): string {
  return notes
    .map((note) => {
      const where = note.document !== undefined ? `document ${note.document + 1} ` : '';
      return `note: ${where}${note.path || '(document)'}: ${note.message}`;
    })
    .join('\n');
}
