// One lint configuration for the whole repository.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Dependencies point one way: services, infra and packages never import workflows/ (what both sides must
// agree on lives in @dj/process-api; the task rules in @dj/domain). Tests and bench may.
const noWorkflowImports = [
  { regex: '^@dj/workflows(/|$)', message: 'Import @dj/process-api (messages, ids, task queues, inputs, schedules) or @dj/domain instead of workflows/.' },
  { regex: '^\\.\\.?/(.*/)?workflows(/|$)', message: 'Import @dj/process-api or @dj/domain instead of reaching into workflows/.' },
];
// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O packages.
const deterministicImports = [
  { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'child_process'], message: 'Workflow code must be deterministic: no Node built-ins.' },
  { group: ['@dj/db', '@dj/db/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'pg', 'pino'], message: 'Workflow code may not do I/O; call an activity.' },
  { group: ['@dj/process-api/schedules', '@dj/process-api/joint-body-info'], message: 'Workflow code may import only the deterministic entry @dj/process-api.' },
];
// Packages that workflow code imports: the pure rules, and @dj/process-api but for its two non-deterministic entries.
const workflowSafePackages = ['packages/domain/src/**/*.ts', 'packages/process-api/src/**/*.ts'];
// Files in workflows/src/processes that are not workflow code: activities (run in the worker) and tests.
const workflowFolderNonWorkflowCode = ['workflows/src/processes/**/activities.ts', 'workflows/src/**/*.test.ts'];
const processApiServerEntries = ['packages/process-api/src/schedules.ts', 'packages/process-api/src/joint-body-info.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'packages/db/src/generated/**', '.tools/**', '.data/**', 'services/console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['services/**/*.ts', 'packages/**/*.ts', 'infra/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: noWorkflowImports }] },
  },
  {
    // A process folder holds its workflow code and, beside it, its activities and tests (which do I/O).
    files: ['workflows/src/human-step/**/*.ts', 'workflows/src/processes/**/*.ts', 'workflows/src/workflows.ts'],
    ignores: workflowFolderNonWorkflowCode,
    rules: {
      'no-restricted-imports': ['error', { patterns: deterministicImports }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['./activities', '../activities', '**/processes/activities'], allowTypeImports: true, message: 'Workflow code calls activities through proxyActivities; import their types only.' }] },
      ],
    },
  },
  {
    files: workflowSafePackages,
    ignores: processApiServerEntries,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...noWorkflowImports, ...deterministicImports, { regex: '^\\./(schedules|joint-body-info)$', message: 'The main entry of @dj/process-api must stay deterministic.' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
