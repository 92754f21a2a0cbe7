/**
 * The matrix's end-to-end environment: E2eEnv (worker process, CLI, namespace) whose worker reaches
 * Flink REST and the Kubernetes API through the fault proxy; the CLI and the harness's own readers go
 * direct, so what they see is the truth, not what the proxy lets through.
 */
import { E2eEnv } from '../../support/e2e';
import { FaultProxy } from './fault-proxy';
import { stackKubeUpstream, writeProxyKubeconfig } from './stack-upstream';

export class MatrixEnv extends E2eEnv {
  readonly proxy: FaultProxy;
  private workerEnv: Record<string, string> = {};

  constructor(prefix: string) {
    super(prefix);
    // The session job cells' jar is the local counter job (file://), fetched by the worker.
    this.extraEnv = { FLINK_DEPLOY_SESSION_JAR_SCHEMES: 'https,s3,file' };
    this.proxy = new FaultProxy(stackKubeUpstream());
  }

  override async setUp(): Promise<void> {
    const port = await this.proxy.listen();
    const kubeconfig = writeProxyKubeconfig(this.dir, port);
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
