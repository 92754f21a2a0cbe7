/** Issue 11 item 3: settings that break our guarantees are refused with the reason; their neighbours pass. */
import { parseAppSpec, type SpecIssue } from '../../../src/spec';
import { parseFlinkDurationMs } from '../../../src/spec/durations';
import { baseManifest, parsedSessionJob, yamlOf, type LooseManifest } from './manifest-fixtures';

function result(mutate: (m: LooseManifest) => void): { ok: boolean; issues: SpecIssue[] } {
  const manifest = baseManifest();
  mutate(manifest);
  const parsed = parseAppSpec(yamlOf(manifest));
  return parsed.ok ? { ok: true, issues: [] } : { ok: false, issues: parsed.issues };
}

function accepted(mutate: (m: LooseManifest) => void): void {
  expect(result(mutate)).toEqual({ ok: true, issues: [] });
}

function refusal(mutate: (m: LooseManifest) => void): SpecIssue {
  const { issues } = result(mutate);
  expect(issues).toHaveLength(1);
  const [issue] = issues;
  expect(issue?.hint).toEqual(expect.any(String));
  return issue as SpecIssue;
}

describe('claim mode', () => {
  it('refuses CLAIM under the 2.x key, the 1.x key and in any case, naming the rollback savepoint', () => {
    for (const key of ['execution.state-recovery.claim-mode', 'execution.savepoint-restore-mode']) {
      for (const value of ['CLAIM', 'claim', ' Claim ']) {
        const issue = refusal((m) => {
          m.spec.flinkConfiguration[key] = value;
        });
        expect(issue).toMatchObject({
          code: 'invalid-value',
          path: 'spec.flinkConfiguration["execution.state-recovery.claim-mode"]',
          message: expect.stringContaining('automatic rollback restores the old version from that same savepoint'),
          hint: expect.stringContaining('NO_CLAIM'),
        });
      }
    }
  });

  it('names the 1.x key for a Flink 1.x application', () => {
    const issue = refusal((m) => {
      m.spec.flinkVersion = 'v1_20';
      m.spec.image = 'flink:1.20';
      m.spec.flinkConfiguration['execution.state-recovery.claim-mode'] = 'CLAIM';
    });
    expect(issue.path).toBe('spec.flinkConfiguration["execution.savepoint-restore-mode"]');
  });

  it('accepts NO_CLAIM and LEGACY', () => {
    for (const value of ['NO_CLAIM', 'no_claim', 'LEGACY']) {
      accepted((m) => {
        m.spec.flinkConfiguration['execution.state-recovery.claim-mode'] = value;
      });
    }
  });
});

describe('checkpoint retention', () => {
  const retention = 'execution.checkpointing.externalized-checkpoint-retention';

  it('refuses DELETE_ON_CANCELLATION and NO_EXTERNALIZED_CHECKPOINTS with last-state', () => {
    for (const value of ['DELETE_ON_CANCELLATION', 'delete_on_cancellation', 'NO_EXTERNALIZED_CHECKPOINTS']) {
      const issue = refusal((m) => {
        m.spec.job.upgradeMode = 'last-state';
        m.spec.flinkConfiguration[retention] = value;
      });
      expect(issue).toMatchObject({
        path: `spec.flinkConfiguration["${retention}"]`,
        message: expect.stringContaining('upgradeMode last-state cancels the job and restores the new version'),
        hint: expect.stringContaining('RETAIN_ON_CANCELLATION'),
      });
    }
  });

  it('refuses DELETE_ON_CANCELLATION when the savepoint fallback restores from a checkpoint', () => {
    const issue = refusal((m) => {
      m.spec.flinkConfiguration[retention] = 'DELETE_ON_CANCELLATION';
      m.spec.flinkDeploy = { savepointFallback: { allowCheckpoint: true } };
    });
    expect(issue.message).toContain('savepoint fallback');
  });

  it(
    'accepts RETAIN_ON_CANCELLATION with last-state, and DELETE_ON_CANCELLATION when nothing restores from ' +
      'checkpoints',
    () => {
      accepted((m) => {
        m.spec.job.upgradeMode = 'last-state';
        m.spec.flinkConfiguration[retention] = 'RETAIN_ON_CANCELLATION';
      });
      accepted((m) => {
        m.spec.job.upgradeMode = 'savepoint';
        m.spec.flinkConfiguration[retention] = 'DELETE_ON_CANCELLATION';
      });
    },
  );
});

describe('checkpoint interval against the stability timeout', () => {
  const interval = 'execution.checkpointing.interval';

  it('refuses an interval at or above the default timeout (300 s), in every syntax Flink reads', () => {
    for (const value of ['300s', '300 s', '5min', '5 m', 'PT5M', 'pt300s', '300000', '300000ms', '1h', '1 d']) {
      const issue = refusal((m) => {
        m.spec.flinkConfiguration[interval] = value;
      });
      expect(issue).toMatchObject({
        path: `spec.flinkConfiguration["${interval}"]`,
        message: expect.stringContaining('the default of spec.flinkDeploy.stability.timeoutSeconds'),
      });
      expect(issue.message).toContain('5min');
      expect(issue.message).toContain('every upgrade would fail as not stable');
    }
  });

  it('accepts an interval below the timeout', () => {
    for (const value of ['299s', '4min', 'PT4M59S', '299999', '299999 ms', '10 s']) {
      accepted((m) => {
        m.spec.flinkConfiguration[interval] = value;
      });
    }
  });

  it('compares with spec.flinkDeploy.stability.timeoutSeconds when given', () => {
    const issue = refusal((m) => {
      m.spec.flinkConfiguration[interval] = '1min';
      m.spec.flinkDeploy = { stability: { timeoutSeconds: 60 } };
    });
    expect(issue.message).toContain('(1min, spec.flinkDeploy.stability.timeoutSeconds)');
    accepted((m) => {
      m.spec.flinkConfiguration[interval] = '59s';
      m.spec.flinkDeploy = { stability: { timeoutSeconds: 60 } };
    });
    accepted((m) => {
      m.spec.flinkConfiguration[interval] = '10min';
      m.spec.flinkDeploy = { stability: { timeoutSeconds: 900 } };
    });
  });

  it('accepts a long interval when stability does not wait for a checkpoint', () => {
    accepted((m) => {
      m.spec.flinkConfiguration[interval] = '10min';
      m.spec.flinkDeploy = { stability: { requireCheckpoint: false } };
    });
  });

  it("refuses an interval under Flink's least, 10ms (the job's environment throws)", () => {
    // Measured with Flink 2.3: StreamExecutionEnvironment.getExecutionEnvironment(config) throws for 0s, 0, 1ms, 9ms.
    for (const value of ['0s', '0', '9ms', 'PT0S']) {
      const issue = refusal((m) => {
        m.spec.flinkConfiguration[interval] = value;
      });
      expect(issue).toMatchObject({
        path: `spec.flinkConfiguration["${interval}"]`,
        message:
          `${interval} ${value} is under Flink's least checkpoint interval of 10ms: ` +
          'the job would fail as it starts (0 does not turn checkpointing off)',
      });
    }
    accepted((m) => {
      m.spec.flinkConfiguration[interval] = '10ms';
    });
  });

  it('refuses an interval Flink cannot read', () => {
    for (const value of ['1.5s', 'ten seconds', '10 fortnights', '-10s', 'PT']) {
      const issue = refusal((m) => {
        m.spec.flinkConfiguration[interval] = value;
      });
      expect(issue.message).toBe(`${interval} "${value}" is not a duration Flink reads`);
    }
  });
});

describe("Flink's duration syntax", () => {
  it.each([
    ['10s', 10_000],
    ['10 s', 10_000],
    [' 10 SECONDS ', 10_000],
    ['1min', 60_000],
    ['2 minutes', 120_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1 d', 86_400_000],
    ['1500', 1_500],
    ['1500 ms', 1_500],
    ['PT10S', 10_000],
    ['PT1M30S', 90_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
    ['2000000 us', 2_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseFlinkDurationMs(text)).toBe(ms);
  });

  it.each(['', ' ', '1.5s', 's', '10 lightyears', 'PT', 'P', '-PT10S', 'PT-1S'])('"%s" is not a duration', (text) => {
    expect(parseFlinkDurationMs(text)).toBeUndefined();
  });
});

describe("a session job's checkpoint interval", () => {
  const sessionJob = (interval: string) =>
    parsedSessionJob({ config: { 'execution.checkpointing.interval': interval } });

  it("is refused under 10ms or unreadable, as an application's; 10ms is taken", () => {
    for (const [value, message] of [
      ['0s', /under Flink's least checkpoint interval of 10ms/],
      ['ten seconds', /is not a duration Flink reads/],
    ] as const) {
      const result = sessionJob(value);
      expect(!result.ok && result.issues).toEqual([
        expect.objectContaining({
          path: 'spec.flinkConfiguration["execution.checkpointing.interval"]',
          message: expect.stringMatching(message),
        }),
      ]);
    }
    expect(sessionJob('10ms').ok).toBe(true);
  });
});
