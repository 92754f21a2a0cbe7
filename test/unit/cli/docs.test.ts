/** docs/cli.md can't drift: its generated block is every command's --help, and it documents every exit code. */
import { readFileSync } from 'node:fs';
import { docsPath, renderDocs } from '../../../src/cli/help-reference';
import { ExitCode } from '../../../src/cli/exit-codes';
import { settingDefinitions } from '../../../src/config/settings';

const docs = readFileSync(docsPath, 'utf8');

test(
  'docs/cli.md holds the current --help of every command (regenerate: npx tsx src/cli/help-reference.ts ' + '--write)',
  () => {
    expect(renderDocs(docs)).toBe(docs);
  },
);

test('docs/cli.md documents every exit code and every setting', () => {
  for (const code of Object.values(ExitCode)) expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  for (const definition of settingDefinitions) {
    for (const env of definition.env) expect(docs).toContain(env);
  }
});
