/** Blue/green generations: the spec option and how one generation renders (src/k8s/render/generation.ts). */
import { parse } from 'yaml';
import { diffSpecs, generateJobId, parseAppSpec, specHash, type AppSpec } from '../../../src/spec';
import {
  generationPodSelector,
  jarCopyContainerName,
  renderApplication,
  renderLiveRestService,
} from '../../../src/k8s/render';
import { clusterShortfall } from '../../../src/activities/generation';
import { baseManifest, specOf, yamlOf, type LooseManifest } from '../spec/manifest-fixtures';

const jobId = generateJobId('streaming/orders/4');

function blueGreen(patch: (m: LooseManifest) => void = () => {}): LooseManifest {
  const m = baseManifest();
  m.spec.flinkDeploy = { upgrade: { strategy: 'blue-green' } };
  patch(m);
  return m;
}

describe('spec.flinkDeploy.upgrade.strategy', () => {
  it('blue-green is recorded in the spec; recreate and absent are the same spec', () => {
    expect(specOf(blueGreen()).upgradeStrategy).toBe('blue-green');
    const recreate = baseManifest();
    recreate.spec.flinkDeploy = { upgrade: { strategy: 'recreate' } };
    expect(specOf(recreate).upgradeStrategy).toBeUndefined();
    expect(specHash(specOf(recreate))).toBe(specHash(specOf(baseManifest())));
  });

  it('refuses an unknown strategy, naming the field and the values', () => {
    const result = parseAppSpec(yamlOf(blueGreen((m) => (m.spec.flinkDeploy.upgrade.strategy = 'canary'))));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.path).toBe('spec.flinkDeploy.upgrade.strategy');
    expect(JSON.stringify(result.issues)).toMatch(/blue-green/);
  });

  it('refuses a jar that is not in the image, saying what to do', () => {
    const result = parseAppSpec(yamlOf(blueGreen((m) => (m.spec.job.jarURI = 'https://repo/orders.jar'))));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'unsupported', path: 'spec.job.jarURI', hint: expect.stringMatching(/local:/) }),
    ]);
  });

  it('a change of strategy alone is recorded (it takes effect on the next upgrade)', () => {
    const diff = diffSpecs(specOf(baseManifest()), specOf(blueGreen()));
    expect(diff.class).toBe('none');
    expect(diff.changes.map((c) => c.field)).toEqual(['upgradeStrategy']);
  });
});

describe('a blue-green generation renders', () => {
  const spec: AppSpec = specOf(blueGreen());
  const objects = renderApplication({ spec, generation: 4, jobId });

  it('objects of its own, labelled with the generation, selecting only its pods', () => {
    expect(
      [objects.configMap, objects.jobManager, objects.taskManager, objects.rpcService, objects.restService].map(
        (o) => o.metadata?.name,
      ),
    ).toEqual(['orders-g4-config', 'orders-g4-jobmanager', 'orders-g4-taskmanager', 'orders-g4', 'orders-g4-rest']);
    for (const d of [objects.jobManager, objects.taskManager]) {
      expect(d.metadata?.labels?.['flink-deploy.io/generation']).toBe('4');
      expect(d.spec?.selector.matchLabels?.['flink-deploy.io/generation']).toBe('4');
      expect(d.spec?.template.metadata?.labels?.['flink-deploy.io/generation']).toBe('4');
      expect(d.spec?.template.spec?.volumes?.find((v) => v.configMap)?.configMap?.name).toBe('orders-g4-config');
    }
    expect(objects.rpcService.spec?.selector?.['flink-deploy.io/generation']).toBe('4');
    expect(objects.restService.spec?.selector?.['flink-deploy.io/generation']).toBe('4');
  });

  it('a session JobManager (no job in its args) that serves the image jar for the REST run', () => {
    const pod = objects.jobManager.spec!.template.spec!;
    expect(pod.containers[0]?.args).toEqual(['jobmanager']);
    const copy = pod.containers.find((c) => c.name === jarCopyContainerName)!;
    expect(copy.image).toBe(spec.image);
    expect(copy.command?.join(' ')).toContain(
      'cp /opt/flink/usrlib/orders.jar /flink-web/flink-web-upload/flink-deploy_orders.jar.part',
    );
    const mounts = (c: (typeof pod.containers)[number]) => c.volumeMounts?.map((m) => m.mountPath);
    expect(mounts(pod.containers[0]!)).toContain('/flink-web');
    expect(mounts(copy)).toEqual(['/flink-web']);
    expect(pod.volumes?.find((v) => v.name === 'flink-web-upload')?.emptyDir).toEqual({});
    // TaskManagers are the generation's own, without the jar copy.
    expect(objects.taskManager.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['flink-main-container']);
  });

  it('a config file with the generation RPC address, the web upload folder and its own HA cluster id', () => {
    const config = parse(objects.configMap.data!['config.yaml']!) as Record<string, string>;
    expect(config['jobmanager.rpc.address']).toBe('orders-g4');
    expect(config['web.upload.dir']).toBe('/flink-web');
    expect(config['kubernetes.cluster-id']).toBe('orders-g4');
  });

  it('the same way each time', () => {
    expect(JSON.stringify(renderApplication({ spec, generation: 4, jobId }))).toBe(JSON.stringify(objects));
  });

  it('recreate applications are unchanged: no generation label, standalone-job', () => {
    const recreate = renderApplication({ spec: specOf(baseManifest()), generation: 4, jobId });
    expect(recreate.jobManager.metadata?.name).toBe('orders-jobmanager');
    expect(recreate.jobManager.spec?.template.spec?.containers[0]?.args?.[0]).toBe('standalone-job');
    expect(recreate.jobManager.spec?.selector.matchLabels?.['flink-deploy.io/generation']).toBeUndefined();
  });

  it('<app>-rest, the live Service, selects the live generation only', () => {
    const live = renderLiveRestService({ spec, generation: 5 });
    expect(live.metadata?.name).toBe('orders-rest');
    expect(live.spec?.selector).toEqual({
      'app.kubernetes.io/instance': 'orders',
      'app.kubernetes.io/component': 'jobmanager',
      'app.kubernetes.io/managed-by': 'flink-deploy',
      'flink-deploy.io/generation': '5',
    });
  });

  it('pod selectors: one generation, or the recreate pods (no generation label)', () => {
    expect(generationPodSelector('orders', 3)).toMatch(/,flink-deploy\.io\/generation=3$/);
    expect(generationPodSelector('orders', undefined)).toMatch(/,!flink-deploy\.io\/generation$/);
  });
});

describe('clusterShortfall', () => {
  const need = { needTaskManagers: 2, needSlots: 3, jarId: 'orders.jar' };
  it('says every missing piece', () => {
    expect(clusterShortfall({ taskManagers: 1, slots: 2, jars: [], ...need })).toBe(
      '1 of 2 TaskManagers registered, 2 of 3 slots, jar orders.jar not in the web upload folder yet',
    );
  });
  it('nothing when the cluster has what the job needs', () => {
    expect(clusterShortfall({ taskManagers: 2, slots: 4, jars: ['orders.jar'], ...need })).toBeUndefined();
  });
});
