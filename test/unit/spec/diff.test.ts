import { diffSpecs, type AppSpec } from '../../../src/spec';
import { baseManifest, specOf, type LooseManifest } from './manifest-fixtures';

function variant(mutate: (m: LooseManifest) => void): AppSpec {
  const manifest = baseManifest();
  mutate(manifest);
  return specOf(manifest);
}

const deployed = specOf(baseManifest());

describe('diffSpecs', () => {
  it('is deploy when nothing is deployed', () => {
    expect(diffSpecs(undefined, deployed)).toEqual({
      class: 'deploy',
      changes: [],
      savepointRequested: false,
      summary: 'deploy: nothing deployed yet',
    });
  });

  it('is none for the same spec', () => {
    expect(diffSpecs(deployed, specOf(baseManifest()))).toEqual({
      class: 'none',
      changes: [],
      savepointRequested: false,
      summary: 'none: no changes',
    });
  });

  it('is upgrade for a new image, with the reason', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.image = 'flink:2.2.1';
      }),
    );
    expect(change.class).toBe('upgrade');
    expect(change.changes).toEqual([{ field: 'image', from: 'flink:2.2', to: 'flink:2.2.1', effect: 'upgrade' }]);
    expect(change.summary).toBe('upgrade: image');
  });

  it('is upgrade for a Flink configuration key, named in the field', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.flinkConfiguration['pipeline.max-parallelism'] = 128;
      }),
    );
    expect(change).toMatchObject({
      class: 'upgrade',
      changes: [{ field: 'flinkConfiguration["pipeline.max-parallelism"]', from: undefined, to: '128' }],
    });
  });

  it('is scale when only the TaskManager replicas change', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.taskManager.replicas = 5;
      }),
    );
    expect(change).toMatchObject({
      class: 'scale',
      changes: [{ field: 'taskManager.replicas', from: 2, to: 5, effect: 'scale' }],
    });
  });

  it('is upgrade for a parallelism change (over the scale it implies)', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.job.parallelism = 6;
      }),
    );
    expect(change.class).toBe('upgrade');
    expect(change.changes.map((c) => [c.field, c.effect])).toEqual([
      ['taskManager.replicas', 'scale'],
      ['job.parallelism', 'upgrade'],
    ]);
  });

  it('is scale for a parallelism change in reactive mode', () => {
    const reactive = (m: LooseManifest): void => {
      m.spec.flinkConfiguration['scheduler-mode'] = 'reactive';
    };
    const change = diffSpecs(
      variant(reactive),
      variant((m) => {
        reactive(m);
        m.spec.job.parallelism = 6;
      }),
    );
    expect(change.class).toBe('scale');
  });

  it('is savepoint-only when only savepointTriggerNonce changes', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.job.savepointTriggerNonce = 1;
      }),
    );
    expect(change).toMatchObject({
      class: 'savepoint-only',
      savepointRequested: true,
      changes: [{ field: 'job.savepointTriggerNonce', from: undefined, to: 1, effect: 'savepoint' }],
    });
  });

  it('is restart when only restartNonce changes; upgrade wins over restart', () => {
    expect(
      diffSpecs(
        deployed,
        variant((m) => {
          m.spec.restartNonce = 7;
        }),
      ).class,
    ).toBe('restart');
    expect(
      diffSpecs(
        deployed,
        variant((m) => {
          m.spec.restartNonce = 7;
          m.spec.image = 'flink:2.3';
        }),
      ).class,
    ).toBe('upgrade');
  });

  it('keeps the savepoint request next to a scale', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.taskManager.replicas = 5;
        m.spec.job.savepointTriggerNonce = 2;
      }),
    );
    expect(change).toMatchObject({ class: 'scale', savepointRequested: true });
  });

  it('suspend wins over everything; other changes are recorded', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.job.state = 'suspended';
        m.spec.image = 'flink:2.3';
      }),
    );
    expect(change.class).toBe('suspend');
    expect(change.changes).toEqual([
      { field: 'job.state', from: 'running', to: 'suspended', effect: 'suspend' },
      { field: 'image', from: 'flink:2.2', to: 'flink:2.3', effect: 'recorded' },
    ]);
  });

  it('resume carries the other changes', () => {
    const suspended = variant((m) => {
      m.spec.job.state = 'suspended';
    });
    const change = diffSpecs(
      suspended,
      variant((m) => {
        m.spec.image = 'flink:2.3';
      }),
    );
    expect(change.class).toBe('resume');
    expect(change.changes.map((c) => c.effect)).toEqual(['resume', 'resume']);
  });

  it('is none while suspended, with the changes recorded', () => {
    const suspended = variant((m) => {
      m.spec.job.state = 'suspended';
    });
    const change = diffSpecs(
      suspended,
      variant((m) => {
        m.spec.job.state = 'suspended';
        m.spec.image = 'flink:2.3';
      }),
    );
    expect(change).toMatchObject({ class: 'none', changes: [{ field: 'image', effect: 'recorded' }] });
  });

  it('records upgradeMode and stability changes without touching the job', () => {
    const change = diffSpecs(
      deployed,
      variant((m) => {
        m.spec.job.upgradeMode = 'stateless';
        m.spec.flinkDeploy = { stability: { windowSeconds: 60 } };
      }),
    );
    expect(change.class).toBe('none');
    expect(change.changes.map((c) => [c.field, c.effect])).toEqual([
      ['job.upgradeMode', 'recorded'],
      ['stability', 'recorded'],
    ]);
  });

  it('ignores comments and key order of the manifest', () => {
    const manifest = baseManifest();
    const reordered = {
      spec: manifest.spec,
      metadata: manifest.metadata,
      kind: manifest.kind,
      apiVersion: manifest.apiVersion,
    };
    expect(diffSpecs(deployed, specOf(reordered)).class).toBe('none');
  });
});
