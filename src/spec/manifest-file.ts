/**
 * A manifest file as `validate` reads it: every document checked for its kind, with what flink-deploy
 * does with it. A FlinkDeployment with spec.job is an application (what `apply` runs); one without is
 * a session cluster and a FlinkSessionJob a job on one (both run by `apply` as well); a
 * FlinkStateSnapshot maps onto the savepoint operation; an operator canary and the Kubernetes objects
 * beside them (a PersistentVolumeClaim, an IngressClass) are not flink-deploy's: notes say so.
 */
import { validateManifest } from './parse';
import { validateSessionJob, type SessionJobSummary } from './session';
import type { SessionJarScheme } from './session-jar-schemes';
import { validateSnapshot, type SnapshotSpec } from './snapshot';
import { isRecord, readManifestDocuments } from './yaml-documents';
import { documentRefusal } from './refusals';
import type { AppSpec, SpecIssue, SpecNote } from './types';
import * as defaults from './defaults';

/** One document of a manifest file and what it is. */
export type FileDocument =
  | { kind: 'application'; index: number; spec: AppSpec }
  | { kind: 'session-cluster'; index: number; name: string; namespace: string; spec: AppSpec }
  | { kind: 'session-job'; index: number; job: SessionJobSummary; spec: AppSpec }
  | { kind: 'snapshot'; index: number; snapshot: SnapshotSpec }
  | { kind: 'canary'; index: number; name: string }
  | { kind: 'kubernetes-object'; index: number; apiVersion: string; objectKind: string; name: string };

/** A file's documents and notes, or every issue. */
export type ManifestFileResult =
  { ok: true; documents: FileDocument[]; notes: SpecNote[] } | { ok: false; issues: SpecIssue[] };

/** Options of `parseManifestFile` (and `parseAppSpec`). */
export interface ManifestFileOptions {
  /**
   * The namespace of a document whose `metadata.namespace` is absent (the CLI's `-n`, as kubectl's).
   * @default "default"
   */
  defaultNamespace?: string;
  /** Jar URI schemes a FlinkSessionJob may use (src/spec/session-jar-schemes.ts). @default https, s3 */
  sessionJarSchemes?: readonly SessionJarScheme[];
}

/** The document with `metadata.namespace` set to `namespace` when it names none. */
function withDefaultNamespace(document: Record<string, unknown>, namespace: string | undefined) {
  if (namespace === undefined || !isRecord(document.metadata)) return document;
  if (document.metadata.namespace !== undefined) return document;
  return { ...document, metadata: { ...document.metadata, namespace } };
}

function metadataOf(document: Record<string, unknown>): { name: string; namespace: string } {
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : defaults.defaultNamespace,
  };
}

function isCanary(document: Record<string, unknown>): boolean {
  const labels = isRecord(document.metadata) ? document.metadata.labels : undefined;
  return isRecord(labels) && String(labels['flink.apache.org/canary']) === 'true';
}

type Checked = { document?: FileDocument; issues: SpecIssue[]; notes: SpecNote[] };

function checkDocument(index: number, document: Record<string, unknown>, options: ManifestFileOptions): Checked {
  const kind = document.kind;
  const apiVersion = typeof document.apiVersion === 'string' ? document.apiVersion : '';
  if (kind === 'FlinkDeployment' && isCanary(document)) {
    const { name } = metadataOf(document);
    return {
      document: { kind: 'canary', index, name },
      issues: [],
      notes: [
        {
          path: 'metadata.labels["flink.apache.org/canary"]',
          message:
            `the operator canary ${name} is ignored: canaries check the health of the Apache operator, and ` +
            'flink-deploy needs none (nothing is deployed for it)',
        },
      ],
    };
  }
  if (kind === 'FlinkDeployment' && isRecord(document.spec) && document.spec.job === undefined) {
    const result = validateManifest(document);
    if (!result.ok) return { issues: result.issues, notes: [] };
    const { name, namespace } = result.spec;
    return {
      document: { kind: 'session-cluster', index, name, namespace, spec: result.spec },
      issues: [],
      notes: result.notes ?? [],
    };
  }
  if (kind === 'FlinkSessionJob') {
    const checked = validateSessionJob(document, { jarSchemes: options.sessionJarSchemes });
    if (!checked.ok) return { issues: checked.issues, notes: [] };
    return {
      document: { kind: 'session-job', index, job: checked.job, spec: checked.spec },
      issues: [],
      notes: checked.notes,
    };
  }
  if (kind === 'FlinkStateSnapshot') {
    const checked = validateSnapshot(document);
    if (!checked.ok) return { issues: checked.issues, notes: [] };
    return { document: { kind: 'snapshot', index, snapshot: checked.snapshot }, issues: [], notes: checked.notes };
  }
  if (typeof kind === 'string' && kind.length > 0 && apiVersion !== '' && !apiVersion.startsWith('flink.apache.org/')) {
    const { name } = metadataOf(document);
    return {
      document: { kind: 'kubernetes-object', index, apiVersion, objectKind: kind, name },
      issues: [],
      notes: [
        {
          path: 'kind',
          message:
            `the ${kind} ${name} is not flink-deploy's: validate does not check it and apply refuses a file ` +
            `holding it; apply it with kubectl (before the application that needs it)`,
        },
      ],
    };
  }
  const refusal = documentRefusal(document);
  if (refusal) return { issues: [refusal], notes: [] };
  const result = validateManifest(document);
  if (!result.ok) return { issues: result.issues, notes: [] };
  return { document: { kind: 'application', index, spec: result.spec }, issues: [], notes: result.notes ?? [] };
}

/** Reads and checks every document of a manifest file. */
export function parseManifestFile(text: string, options: ManifestFileOptions = {}): ManifestFileResult {
  const read = readManifestDocuments(text);
  if (!read.ok) return read;
  const many = read.documents.length > 1;
  const issues: SpecIssue[] = [];
  const notes: SpecNote[] = [];
  const documents: FileDocument[] = [];
  for (const { index, value } of read.documents) {
    const checked = checkDocument(index, withDefaultNamespace(value, options.defaultNamespace), options);
    const at = many ? { document: index } : {};
    issues.push(...checked.issues.map((issue) => ({ ...issue, ...at })));
    notes.push(...checked.notes.map((note) => ({ ...note, ...at })));
    if (checked.document) documents.push(checked.document);
  }
  if (issues.length > 0) return { ok: false, issues };
  if (documents.length === 0)
    return { ok: false, issues: [{ code: 'empty', path: '', message: 'the manifest is empty' }] };
  return { ok: true, documents, notes };
}

/** The namespace/name a document deploys under (its record's), if it deploys anything. */
export function deployedName(doc: FileDocument): string | undefined {
  if (doc.kind === 'application' || doc.kind === 'session-job') return `${doc.spec.namespace}/${doc.spec.name}`;
  if (doc.kind === 'session-cluster') return `${doc.namespace}/${doc.name}`;
  return undefined;
}

/** Where a manifest names what it deploys (`deployedName`): its file, its document. */
export interface Naming {
  name: string;
  file?: string;
  document?: number;
}

/**
 * Each naming of an application (session cluster, session job) that an earlier one named already, with that
 * earlier one: apply takes one manifest per application, so `validate`, apply of a file and apply of a fleet
 * refuse the same thing.
 */
export function namedAgain(namings: Iterable<Naming>): { first: Naming; again: Naming }[] {
  const first = new Map<string, Naming>();
  const repeats: { first: Naming; again: Naming }[] = [];
  for (const naming of namings) {
    const earlier = first.get(naming.name);
    if (earlier === undefined) first.set(naming.name, naming);
    else repeats.push({ first: earlier, again: naming });
  }
  return repeats;
}

/** One issue for each document that names an application (session cluster, session job) an earlier one did. */
export function namedTwice(documents: readonly FileDocument[]): SpecIssue[] {
  const namings = documents.flatMap((doc) => {
    const name = deployedName(doc);
    return name === undefined ? [] : [{ name, document: doc.index }];
  });
  return namedAgain(namings).map(({ first, again }) => ({
    code: 'invalid-value',
    path: 'metadata.name',
    message:
      `${again.name} is named by document ${(first.document ?? 0) + 1} too: ` +
      'apply takes one manifest per application',
    hint: 'Keep one document of each application (session cluster, session job) in the file, or rename one.',
    document: again.document,
  }));
}
