/** kubectl logs pieces: the current/previous attempt of a log file by its start offsets, tailLines; OOM decisions. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attemptRange, lastLines } from '../../../src/local/node-agent/kubelet-server';
import { oomKillCount, wasOomKilled } from '../../../src/local/node-agent/oom';

test('the current attempt starts at the last offset, --previous is the one before', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-'));
  const file = path.join(dir, 'c.log');
  fs.writeFileSync(file, 'one\ntwo\nthree\n');
  fs.writeFileSync(`${file}.starts`, '0\n4\n');
  const text = (r: { start: number; end: number } | undefined) =>
    r && fs.readFileSync(file).subarray(r.start, r.end).toString();
  expect(text(attemptRange({ file, previous: false }))).toBe('two\nthree\n');
  expect(text(attemptRange({ file, previous: true }))).toBe('one\n');
  fs.writeFileSync(`${file}.starts`, '0\n');
  expect(attemptRange({ file, previous: true })).toBeUndefined();
  expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
  expect(lastLines('a\nb\nc', 1)).toBe('c');
  expect(lastLines('a\nb\n', 0)).toBe('');
});

test('OOMKilled only for exit 137 while the OOM-kill counter went up', () => {
  expect(wasOomKilled({ exitCode: 137, before: 2, after: 3 })).toBe(true);
  expect(wasOomKilled({ exitCode: 137, before: 3, after: 3 })).toBe(false);
  expect(wasOomKilled({ exitCode: 3, before: 2, after: 3 })).toBe(false);
  expect(wasOomKilled({ exitCode: 137, before: undefined, after: 3 })).toBe(false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oom-'));
  const v1 = path.join(dir, 'memory.oom_control');
  fs.writeFileSync(v1, 'oom_kill_disable 0\nunder_oom 0\noom_kill 7\n');
  expect(oomKillCount([path.join(dir, 'missing'), v1])).toBe(7);
  expect(oomKillCount([path.join(dir, 'missing')])).toBeUndefined();
});
