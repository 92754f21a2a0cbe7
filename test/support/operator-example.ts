/**
 * An Apache operator example manifest run as its own e2e scripts run it: its placeholders filled, its namespace the
 * test's, its Flink kinds written to a file for flink-deploy and the rest (kubectl's: a PersistentVolumeClaim, an
 * IngressClass) created through the Kubernetes API.
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type { KubeClients } from '../../src/k8s';
import type { E2eEnv } from './e2e';
import { stack } from './stack';

/** The example's documents, split by whose kind they are. */
export interface ExampleDocuments {
  /** A file of its FlinkDeployment/FlinkSessionJob documents, for flink-deploy (written again by each call). */
  flink: string;
  flinkKinds: string[];
  /** Its other documents, for kubectl. */
  kubectls: k8s.KubernetesObject[];
}

/** `fixture` (test/fixtures/apache-operator), each `placeholders` key replaced by its value, in `env`'s namespace. */
export function exampleDocuments(input: {
  fixture: string;
  env: E2eEnv;
  placeholders: Record<string, string>;
}): ExampleDocuments {
  const file = path.join(__dirname, '..', 'fixtures', 'apache-operator', input.fixture);
  let text = readFileSync(file, 'utf8').replaceAll('namespace: default', `namespace: ${input.env.namespace}`);
  for (const [placeholder, value] of Object.entries(input.placeholders)) text = text.replaceAll(placeholder, value);
  const documents = k8s.loadAllYaml(text) as k8s.KubernetesObject[];
  const ours = documents.filter((d) => d.apiVersion === 'flink.apache.org/v1beta1');
  const flink = path.join(input.env.dir, input.fixture.replace(/\.yaml$/, '-flink.yaml'));
  writeFileSync(flink, ours.map((d) => k8s.dumpYaml(d)).join('---\n'));
  return { flink, flinkKinds: ours.map((d) => d.kind ?? ''), kubectls: documents.filter((d) => !ours.includes(d)) };
}

/** kubectl's part: each object created (a namespaced one in `namespace`); a cluster-wide one made before is kept. */
export async function createKubectlObjects(input: {
  clients: KubeClients;
  objects: readonly k8s.KubernetesObject[];
  namespace: string;
}): Promise<void> {
  for (const object of input.objects) {
    if (object.kind === 'PersistentVolumeClaim') object.metadata = { ...object.metadata, namespace: input.namespace };
    await input.clients.objects.create(object).catch((err: unknown) => {
      if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
    });
  }
}

/** flink-examples-streaming 1.20.0's path on Maven Central: the jar the operator's e2e examples run. */
export const STREAMING_EXAMPLES_PATH =
  'org/apache/flink/flink-examples-streaming/1.20.0/flink-examples-streaming-1.20.0.jar';
/** Maven Central's root, as the examples' URLs name it. */
export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2/';
/** Flink 1.20.0's StateMachineExample shaded with its datagen source (scripts/stack/build-jobs.sh): that jar here. */
export const STREAMING_EXAMPLES_JAR = path.join(stack.jobsDir, 'central', 'StateMachineExample-1.20.jar');

/**
 * A loopback stand-in for Maven Central (no network here) serving STREAMING_EXAMPLES_JAR at its path under
 * `/maven2/`, 404 for anything else; `asked` lists every path it was asked for.
 */
export class CentralMirror {
  readonly asked: string[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.asked.push(req.url ?? '');
    if (req.url === `/maven2/${STREAMING_EXAMPLES_PATH}`) createReadStream(STREAMING_EXAMPLES_JAR).pipe(res);
    else res.writeHead(404).end();
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** The mirror's root, standing for MAVEN_CENTRAL: `http://127.0.0.1:<port>/maven2/`. */
  get root(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/maven2/`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
