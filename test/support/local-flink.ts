/**
 * A real Flink cluster (application mode: the standalone-job entry point; session mode when no
 * job is given: `jobmanager.sh`) plus one TaskManager, started from
 * the installed distribution (FLINK_HOME) on a loopback address of the caller's choice, for
 * tests. Each cluster gets its own conf dir (config.yaml), logs, and savepoint/checkpoint dirs
 * under `workDir`. `stop()` kills both JVMs; the files stay, so a later cluster can restore from
 * a savepoint an earlier one wrote (remove `workDir` yourself, or pass `removeFiles`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { stack } from './stack';

/** What {@link startFlinkCluster} starts. */
export interface FlinkClusterOptions {
  /** Loopback address every process of this cluster binds to, e.g. `127.0.50.1`. */
  ip: string;
  /** Path of the job jar (e.g. `counterJob.jar`). Omit jobJar and jobClass for a session cluster. */
  jobJar?: string;
  /** Main class of the job. */
  jobClass?: string;
  /** Arguments passed to the job's main(). @default [] */
  jobArgs?: readonly string[];
  /**
   * The JobManager's `standalone-job` args as given (e.g. rendered by jobManagerArgs, without its first word), in
   * place of those built from jobJar, jobClass, jobId, fromSavepoint and jobArgs.
   */
  standaloneJobArgs?: readonly string[];
  /** The job id (32 hex chars). @default a fresh random id ({@link newJobId}) */
  jobId?: string;
  /** Savepoint or retained checkpoint to restore from (`--fromSavepoint`). */
  fromSavepoint?: string;
  /** Let the restore skip state that maps to no operator. @default false */
  allowNonRestoredState?: boolean;
  /** `parallelism.default`; the TaskManager gets this many slots unless `slots` says otherwise. @default 1 */
  parallelism?: number;
  /** Task slots of the TaskManager. @default parallelism */
  slots?: number;
  /** REST port. @default 8081 */
  restPort?: number;
  /** Root of conf/, log/, savepoints/, checkpoints/, tmp/ of this cluster. @default a fresh temp dir */
  workDir?: string;
  /** Savepoint directory (`execution.checkpointing.savepoint-dir`). @default `<workDir>/savepoints` */
  savepointDir?: string;
  /** Checkpoint directory (`execution.checkpointing.dir`). @default `<workDir>/checkpoints` */
  checkpointDir?: string;
  /** Extra Flink configuration (flat keys), applied last. */
  config?: Readonly<Record<string, string>>;
  /** How long to wait for `/overview` to show the TaskManager. @default 90 s */
  startTimeoutMs?: number;
  /** FLINK_HOME of the distribution. @default stack.flinkHome */
  flinkHome?: string;
}

/** A running local cluster. */
export interface LocalFlinkCluster {
  /** Base URL of the JobManager's REST API, e.g. `http://127.0.50.1:8081`. */
  readonly restUrl: string;
  readonly ip: string;
  /** The application's job id (session clusters: the unused would-be id). */
  readonly jobId: string;
  readonly workDir: string;
  readonly savepointDir: string;
  readonly checkpointDir: string;
  readonly logDir: string;
  /** The last lines of the JobManager and TaskManager logs (for failure messages). */
  logTail(lines?: number): string;
  /** SIGKILLs the TaskManager's JVM, as a lost TaskManager pod (the JobManager keeps running). */
  killTaskManager(): Promise<void>;
  /** Kills both JVMs (SIGTERM, then SIGKILL after 10 s). Idempotent. */
  stop(options?: { removeFiles?: boolean }): Promise<void>;
}

/** A fresh random Flink job id (32 lowercase hex chars). */
export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** The JDK 17 module flags of the distribution's own config.yaml (`env.java.opts.all`). */
function distributionJavaOpts(flinkHome: string): string {
  const base = parseYaml(readFileSync(path.join(flinkHome, 'conf', 'config.yaml'), 'utf8')) as {
    env?: { java?: { opts?: { all?: string } } };
  } | null;
  return base?.env?.java?.opts?.all ?? '';
}

interface ClusterLayout {
  workDir: string;
  confDir: string;
  logDir: string;
  savepointDir: string;
  checkpointDir: string;
  tmpDir: string;
}

function flinkConfig(options: FlinkClusterOptions, layout: ClusterLayout, flinkHome: string): Record<string, string> {
  const parallelism = options.parallelism ?? 1;
  const { ip } = options;
  return {
    'env.java.opts.all': distributionJavaOpts(flinkHome),
    'jobmanager.rpc.address': ip,
    'jobmanager.rpc.port': '6123',
    'jobmanager.bind-host': ip,
    'rest.address': ip,
    'rest.bind-address': ip,
    'rest.port': String(options.restPort ?? 8081),
    'taskmanager.host': ip,
    'taskmanager.bind-host': ip,
    'taskmanager.numberOfTaskSlots': String(options.slots ?? parallelism),
    'parallelism.default': String(parallelism),
    'jobmanager.memory.process.size': '768m',
    'taskmanager.memory.process.size': '1024m',
    'execution.checkpointing.dir': `file://${layout.checkpointDir}`,
    'execution.checkpointing.savepoint-dir': `file://${layout.savepointDir}`,
    'execution.shutdown-on-application-finish': 'false',
    'execution.submit-failed-job-on-application-error': 'true',
    'io.tmp.dirs': layout.tmpDir,
    'user.artifacts.base-dir': path.join(layout.tmpDir, 'artifacts'),
    'heartbeat.timeout': '20000',
    'metrics.fetcher.update-interval': '1000',
    ...options.config,
  };
}

function writeConfDir(config: Record<string, string>, layout: ClusterLayout, flinkHome: string): void {
  const lines = Object.entries(config).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  writeFileSync(path.join(layout.confDir, 'config.yaml'), `${lines.join('\n')}\n`);
  for (const file of ['log4j-console.properties', 'logback-console.xml']) {
    copyFileSync(path.join(flinkHome, 'conf', file), path.join(layout.confDir, file));
  }
}

function startProcess(input: {
  name: string;
  script: string;
  args: string[];
  layout: ClusterLayout;
  flinkHome: string;
}): ChildProcess {
  const { layout } = input;
  const out = path.join(layout.logDir, `${input.name}.out`);
  const fd = openSync(out, 'a');
  const child = spawn('bash', [path.join(input.flinkHome, 'bin', input.script), 'start-foreground', ...input.args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      FLINK_HOME: input.flinkHome,
      FLINK_CONF_DIR: layout.confDir,
      FLINK_LOG_DIR: layout.logDir,
      FLINK_PID_DIR: layout.tmpDir,
    },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function taskManagersRegistered(restUrl: string): Promise<boolean> {
  try {
    const res = await request(`${restUrl}/overview`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return false;
    }
    const body = (await res.body.json()) as { taskmanagers?: number };
    return (body.taskmanagers ?? 0) >= 1;
  } catch {
    return false;
  }
}

/**
 * Starts a JobManager (`standalone-job.sh start-foreground`, application mode, running
 * `jobClass` from `jobJar` with `jobId`; or `jobmanager.sh start-foreground`, a session
 * cluster, when no job is given) and one TaskManager, and resolves once `/overview`
 * shows the TaskManager. Rejects with the log tails when a process exits or the start times out.
 */
export async function startFlinkCluster(options: FlinkClusterOptions): Promise<LocalFlinkCluster> {
  const flinkHome = options.flinkHome ?? stack.flinkHome;
  const jobId = options.jobId ?? newJobId();
  const workDir = options.workDir ?? mkdtempSync(path.join(os.tmpdir(), `flink-${options.ip}-`));
  const layout: ClusterLayout = {
    workDir,
    confDir: path.join(workDir, 'conf'),
    logDir: path.join(workDir, 'log'),
    savepointDir: options.savepointDir ?? path.join(workDir, 'savepoints'),
    checkpointDir: options.checkpointDir ?? path.join(workDir, 'checkpoints'),
    tmpDir: path.join(workDir, 'tmp'),
  };
  for (const dir of Object.values(layout)) mkdirSync(dir, { recursive: true });
  writeConfDir(flinkConfig(options, layout, flinkHome), layout, flinkHome);
  killOnExit();

  const jobManager = options.standaloneJobArgs
    ? { script: 'standalone-job.sh', args: [...options.standaloneJobArgs] }
    : options.jobJar !== undefined && options.jobClass !== undefined
      ? {
          script: 'standalone-job.sh',
          // --jars takes several values: it goes first, so the next known option ends its list.
          args: [
            '--jars',
            options.jobJar,
            '--job-classname',
            options.jobClass,
            '--job-id',
            jobId,
            ...(options.fromSavepoint ? ['--fromSavepoint', options.fromSavepoint] : []),
            ...(options.allowNonRestoredState ? ['--allowNonRestoredState'] : []),
            ...(options.jobArgs ?? []),
          ],
        }
      : { script: 'jobmanager.sh', args: [] };
  const processes = [
    startProcess({ name: 'jobmanager', script: jobManager.script, args: jobManager.args, layout, flinkHome }),
    startProcess({ name: 'taskmanager', script: 'taskmanager.sh', args: [], layout, flinkHome }),
  ];
  const restUrl = `http://${options.ip}:${options.restPort ?? 8081}`;

  const logTail = (lines = 40): string =>
    readdirSync(layout.logDir)
      .filter((f) => f.endsWith('.log') || f.endsWith('.out'))
      .map((f) => `--- ${f}\n${tail(path.join(layout.logDir, f), lines)}`)
      .join('\n');

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions?: { removeFiles?: boolean }): Promise<void> => {
    stopped ??= Promise.all(processes.map((p) => stopProcess(p))).then(() => undefined);
    return stopped.then(() => {
      if (stopOptions?.removeFiles) rmSync(workDir, { recursive: true, force: true });
    });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    const dead = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead) {
      await stop();
      throw new Error(`a Flink process on ${options.ip} exited during start-up (code ${dead.exitCode})\n${logTail()}`);
    }
    if (await taskManagersRegistered(restUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Flink on ${options.ip} did not answer /overview with a TaskManager in time\n${logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  return {
    restUrl,
    ip: options.ip,
    jobId,
    workDir,
    savepointDir: layout.savepointDir,
    checkpointDir: layout.checkpointDir,
    logDir: layout.logDir,
    logTail,
    killTaskManager: async () => {
      const taskManager = processes[1]!;
      if (taskManager.exitCode !== null || taskManager.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => taskManager.once('exit', () => resolve()));
      killGroup(taskManager, 'SIGKILL');
      await exited;
    },
    stop,
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
