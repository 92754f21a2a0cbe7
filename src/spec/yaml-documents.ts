/**
 * Reading manifest text into plain objects, with a clear issue for each way it can fail
 * before validation even starts: empty input, YAML syntax errors (with line and column), and
 * documents that are not mappings.
 */
import { parseAllDocuments } from 'yaml';
import { SpecIssueCode, type SpecIssue } from './types';

/** One YAML document that is a mapping, with its index in the file. */
export interface ManifestDocument {
  index: number;
  value: Record<string, unknown>;
}

/** The documents of a file, or the issues that stop us from reading it. */
export type DocumentsResult = { ok: true; documents: ManifestDocument[] } | { ok: false; issues: SpecIssue[] };

/** True for a plain (non-array, non-null) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses every YAML document of `text`; empty documents (e.g. after a trailing `---`) are skipped. */
export function readManifestDocuments(text: string): DocumentsResult {
  const issues: SpecIssue[] = [];
  const documents: ManifestDocument[] = [];
  const parsed = parseAllDocuments(text, { prettyErrors: true });
  const all = Array.isArray(parsed) ? parsed : [];
  const many = all.length > 1;
  all.forEach((doc, index) => {
    const where = many ? { document: index } : {};
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0];
        issues.push({
          code: SpecIssueCode.YamlSyntax,
          path: '',
          message: `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${error.message.split('\n')[0]}`,
          hint: 'Fix the YAML syntax (indentation, quotes, brackets, duplicate keys) and try again.',
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          ...where,
        });
      }
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      issues.push({
        code: SpecIssueCode.NotAMapping,
        path: '',
        message: `the manifest must be a mapping (apiVersion, kind, metadata, spec), but this document is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
        hint: 'Write the FlinkDeployment as a YAML mapping; to put several objects in one file, separate them with `---` instead of making a list.',
        ...where,
      });
      return;
    }
    documents.push({ index, value });
  });
  if (issues.length > 0) return { ok: false, issues };
  if (documents.length === 0) {
    return {
      ok: false,
      issues: [
        {
          code: SpecIssueCode.Empty,
          path: '',
          message: 'the manifest is empty',
          hint: 'Give a FlinkDeployment manifest (apiVersion: flink.apache.org/v1beta1, kind: FlinkDeployment).',
        },
      ],
    };
  }
  return { ok: true, documents };
}
