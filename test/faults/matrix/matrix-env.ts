/**
 * The matrix's end-to-end environment: E2eEnv (worker process, CLI, namespace) whose worker reaches
 * Flink REST and the Kubernetes API through the fault proxy; the CLI and the harness's own readers go
 * direct, so what they see is the truth, not what the proxy lets through.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2eEnv } from '../../support/e2e';
import { stack } from '../../support/stack';
import { FaultProxy } from './fault-proxy';

export class MatrixEnv extends E2eEnv {
  readonly proxy: FaultProxy;
  private workerEnv: Record<string, string> = {};

  constructor(prefix: string) {
    super(prefix);
    // The session job cells' jar is the local counter job (file://), fetched by the worker.
    this.extraEnv = { FLINK_DEPLOY_SESSION_JAR_SCHEMES: 'https,s3,file' };
    const pki = path.join(stack.dir, 'pki');
    const server = /server:\s*(\S+)/.exec(readFileSync(stack.kubeconfig, 'utf8'))?.[1];
    if (!server) throw new Error(`no server in ${stack.kubeconfig}`);
    this.proxy = new FaultProxy({
      server,
      ca: readFileSync(path.join(pki, 'ca.crt')),
      cert: readFileSync(path.join(pki, 'admin.crt')),
      key: readFileSync(path.join(pki, 'admin.key')),
    });
  }

  override async setUp(): Promise<void> {
    const port = await this.proxy.listen();
    const kubeconfig = path.join(this.dir, 'kubeconfig-via-proxy');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: proxy, cluster: {server: "http://127.0.0.1:' + port + '", insecure-skip-tls-verify: true}}]',
        'users: [{name: proxy, user: {}}]',
        'contexts: [{name: proxy, context: {cluster: proxy, user: proxy}}]',
        'current-context: proxy',
        '',
      ].join('\n'),
    );
    this.workerEnv = {
      KUBECONFIG: kubeconfig,
      FLINK_DEPLOY_KUBECONFIG: kubeconfig,
      FLINK_DEPLOY_FLINK_PROXY: `http://127.0.0.1:${port}`,
    };
    await super.setUp();
  }

  override startWorker(): void {
    this.worker = this.spawnWorker(this.workerEnv);
  }

  override async tearDown(): Promise<void> {
    await super.tearDown();
    await this.proxy.close();
  }
}
