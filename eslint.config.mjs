import nx from '@nx/eslint-plugin';

// Frameworks and drivers that must never leak into the pure layers.
const frameworksAndDrivers = ['@nestjs/*', 'kafkajs', 'mongodb', 'ioredis', 'rxjs', 'express', 'reflect-metadata', 'prom-client'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.infra', '.nx', 'tmp', 'coverage', '**/__fixtures__/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: false,
          allow: [],
          // No catch-all rule: a project without one of these tags may depend on nothing.
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util'],
              bannedExternalImports: frameworksAndDrivers,
            },
            {
              sourceTag: 'type:util',
              onlyDependOnLibsWithTags: ['type:util'],
              bannedExternalImports: frameworksAndDrivers,
            },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:infra', 'type:domain', 'type:util'] },
          ],
        },
      ],
    },
  },
  {
    // The domain decides from its inputs alone: no I/O, no clock, no randomness from Node.
    files: ['libs/domain/src/**/*.ts', 'libs/util/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'crypto', 'os', 'path'], message: 'the domain and util libraries do no I/O' }] },
      ],
    },
  },
];
