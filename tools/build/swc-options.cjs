// One place that turns tsconfig.base.json into SWC options, shared by the app build and by Jest,
// so path aliases and decorator metadata (which NestJS injection relies on) behave the same in both.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const workspaceRoot = join(__dirname, '..', '..');

function tsconfigPaths() {
  const tsconfig = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'));
  return tsconfig.compilerOptions.paths;
}

function swcOptions({ sourceMaps = true } = {}) {
  return {
    sourceMaps,
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
      baseUrl: workspaceRoot,
      paths: tsconfigPaths(),
    },
    module: { type: 'commonjs' },
  };
}

/** Jest moduleNameMapper entries for the workspace's path aliases. */
function jestModuleNameMapper() {
  return Object.fromEntries(
    Object.entries(tsconfigPaths()).map(([alias, [target]]) => [`^${alias.replace('/', '\\/')}$`, join(workspaceRoot, target)]),
  );
}

module.exports = { workspaceRoot, swcOptions, jestModuleNameMapper };
