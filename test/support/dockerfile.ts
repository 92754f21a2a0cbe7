/** A Dockerfile read as its stages and instructions (line continuations joined, comments dropped). */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  text: string;
}

export interface Stage {
  /** `FROM … AS <name>`; the last stage may have none. */
  name?: string;
  instructions: Instruction[];
}

export function readDockerfile(file: string): Stage[] {
  const lines = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const text = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(line)?.[1], instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), text });
    }
  }
  return stages;
}

/** The one instruction `keyword` of `stage`; throws naming what is missing. */
export function only(stage: Stage | undefined, keyword: string): string {
  const found = stage?.instructions.filter((i) => i.keyword === keyword) ?? [];
  if (found.length !== 1) throw new Error(`stage ${stage?.name ?? '(last)'} has ${found.length} ${keyword}, not one`);
  return found[0]!.text;
}
