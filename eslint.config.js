// ESLint: typed rules everywhere; workflow files may not import Node built-ins or
// activity values (the Temporal sandbox replays them deterministically). The layers' boundaries:
// src/contract imports none of the roles; workflows and activities share only the contract and
// activity types; the CLI asks through the contract (workflow functions' types only, for typed starts).
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

/** An import pattern of one role's folder, with why it is refused. */
const role = (folder, message, allowTypeImports = false) => ({
  group: [`**/${folder}`, `**/${folder}/*`, `**/${folder}/**`],
  allowTypeImports,
  message,
});
const contractOnly = 'Shared names live in src/contract; import them from there.';

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.stack/**',
      'dist/**',
      'test/jobs/**',
      'eslint.config.js',
      'jest.config.js',
      'bin/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow code runs in the Temporal sandbox: no Node built-ins.',
          })),
          patterns: [
            role('activities', 'Workflows may only `import type` from activities.', true),
            role('cli', 'Workflows decide; the CLI asks: no imports from src/cli.'),
            role('worker', 'Workflows decide; the worker wires: no imports from src/worker.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['activities', 'workflows', 'cli', 'worker', 'k8s', 'flink', 'config', 'local'].map((folder) =>
            role(folder, 'src/contract is neutral: it imports no role (only src/spec types).'),
          ),
        },
      ],
    },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            role('workflows', `Activities act; they import nothing of the workflows. ${contractOnly}`),
            role('cli', 'Activities do not import the CLI.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            role('workflows', `The CLI may only \`import type\` workflow functions. ${contractOnly}`, true),
            role('activities', `The CLI does not import activities. ${contractOnly}`),
          ],
        },
      ],
    },
  },
  {
    files: ['src/k8s/**/*.ts', 'src/flink/**/*.ts', 'src/spec/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['activities', 'workflows', 'cli', 'worker'].map((folder) =>
            role(folder, 'Libraries import no role.'),
          ),
        },
      ],
    },
  },
);
