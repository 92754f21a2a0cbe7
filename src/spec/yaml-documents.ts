/**
 * Reading manifest text into plain objects, with a clear issue for each way it can fail
 * before validation even starts: empty input, YAML syntax errors (with line and column),
 * documents that are not mappings, and hostile input (a file too large, an alias bomb, nesting too
 * deep): each an issue, never an exception. Bytes that are not UTF-8 are found by the reader that decodes
 * them (src/cli/manifest-text.ts): text holds characters only, and a U+FFFD in it is one like any other.
 */
import { parseAllDocuments, type Document } from 'yaml';
import { formatBytes, utf8Length } from './byte-size';
import { SpecIssueCode, type SpecIssue } from './types';

/**
 * Largest manifest read, in bytes: far above any real manifest, and above anything that could
 * be deployed (the spec must fit a 1 MiB ConfigMap twice and a 2 MiB Temporal payload).
 */
export const maxManifestBytes = 4 * 1024 * 1024;
/** Alias expansions allowed per document (the yaml library's measure; a real manifest needs a few). */
export const maxAliasCount = 100;
/** Deepest nesting of mappings and lists read (a pod template with affinity rules is about 12). */
export const maxNestingDepth = 100;

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

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/**
 * The issue of a manifest over `maxManifestBytes`: `bytes` is its size, or with `over` the bytes read before
 * reading stopped (stdin: its size is not known).
 */
export function tooLargeIssue(bytes: number, over = false): SpecIssue {
  return {
    code: SpecIssueCode.TooLarge,
    path: '',
    message:
      `the manifest is ${over ? 'over ' : ''}${formatBytes(bytes)}; flink-deploy reads manifests of at most ` +
      `${formatBytes(maxManifestBytes)} (the spec is kept twice in a Kubernetes ConfigMap of at most 1 ` +
      `MiB and sent in Temporal payloads of at most 2 MiB)`,
    hint:
      'Keep large data out of the manifest: put it in the image, a mounted ConfigMap or object storage, ' +
      'and pass its location.',
  };
}

/** Issues for text that is not a YAML stream flink-deploy reads: too large, control characters. */
function textIssues(text: string): SpecIssue[] {
  const bytes = utf8Length(text);
  if (bytes > maxManifestBytes) return [tooLargeIssue(bytes)];
  // YAML allows tab, LF and CR among the C0 controls, and NEL among the C1 controls.
  const control = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u0080-\u0084\u0086-\u009F]/.exec(text);
  if (control) {
    const at = lineAndColumn(text, control.index);
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return [
      {
        code: SpecIssueCode.YamlSyntax,
        path: '',
        message:
          `the manifest holds a control character (U+${code}) at line ${at.line}, column ${at.column}, which ` +
          `YAML does not allow`,
        hint: 'Remove it; write it as an escape inside double quotes ("\\t", "\\u0001") if the value needs it.',
        ...at,
      },
    ];
  }
  return [];
}

/** The deepest nesting of mappings and lists in `value` (iterative: no stack to exhaust). */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current as Record<string, unknown>))
      stack.push({ value: child, depth: depth + 1 });
  }
  return deepest;
}

function tooDeep(where: { document?: number }): SpecIssue {
  return {
    code: SpecIssueCode.TooDeep,
    path: '',
    message:
      `the manifest is nested too deeply: flink-deploy reads at most ${maxNestingDepth} levels of mappings ` +
      `and lists`,
    hint: 'A FlinkDeployment needs a dozen levels at most; check for runaway brackets or indentation.',
    ...where,
  };
}

/** The document as plain data, or the issue that stops it (alias bomb, nesting too deep). */
function documentValue(doc: Document, where: { document?: number }): { value: unknown } | { issue: SpecIssue } {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    const unresolved = err instanceof ReferenceError ? /^Unresolved alias.*: (.*)$/.exec(err.message) : null;
    if (unresolved) {
      return {
        issue: {
          code: SpecIssueCode.YamlSyntax,
          path: '',
          message: `the YAML alias *${unresolved[1] ?? ''} refers to no anchor (&${unresolved[1] ?? ''}) set before it`,
          hint: 'Define the anchor before using the alias, or write the value out.',
          ...where,
        },
      };
    }
    if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
      return {
        issue: {
          code: SpecIssueCode.TooManyAliases,
          path: '',
          message:
            `too many YAML aliases: the anchors and aliases (&name, *name) expand beyond what flink-deploy ` +
            `reads (${maxAliasCount} expansions), as in an alias bomb`,
          hint: 'Write the values out, or use each anchor only a few times.',
          ...where,
        },
      };
    }
    if (err instanceof RangeError) return { issue: tooDeep(where) };
    return {
      issue: {
        code: SpecIssueCode.YamlSyntax,
        path: '',
        message: 'the YAML could not be read as data',
        hint: 'Check the file with a YAML linter; flink-deploy reads plain mappings, lists and scalars.',
        ...where,
      },
    };
  }
  if (nestingDepth(value, maxNestingDepth) > maxNestingDepth) return { issue: tooDeep(where) };
  return { value };
}

/** Parses every YAML document of `text`; empty documents (e.g. after a trailing `---`) are skipped. */
export function readManifestDocuments(text: string): DocumentsResult {
  const refused = textIssues(text);
  if (refused.length > 0) return { ok: false, issues: refused };
  const issues: SpecIssue[] = [];
  const documents: ManifestDocument[] = [];
  const parsed = parseAllDocuments(text, { prettyErrors: true });
  const all = Array.isArray(parsed) ? parsed : [];
  const many = all.length > 1;
  all.forEach((doc, index) => {
    const where = many ? { document: index } : {};
    if (doc.errors.some((error) => error.code === 'RESOURCE_EXHAUSTION')) {
      issues.push(tooDeep(where));
      return;
    }
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0];
        issues.push({
          code: SpecIssueCode.YamlSyntax,
          path: '',
          message:
            `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ` +
            `${error.message.split('\n')[0]}`,
          hint: 'Fix the YAML syntax (indentation, quotes, brackets, duplicate keys) and try again.',
          ...(pos ? { line: pos.line, column: pos.col } : {}),
          ...where,
        });
      }
      return;
    }
    const read = documentValue(doc, where);
    if ('issue' in read) {
      issues.push(read.issue);
      return;
    }
    const { value } = read;
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      issues.push({
        code: SpecIssueCode.NotAMapping,
        path: '',
        message:
          `the manifest must be a mapping (apiVersion, kind, metadata, spec), but this document is ` +
          `${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
        hint:
          'Write the FlinkDeployment as a YAML mapping; to put several objects in one file, separate them ' +
          'with `---` instead of making a list.',
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
