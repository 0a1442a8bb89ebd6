import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

// Lints source text as if it lived at a path inside a project, with the workspace's real ESLint
// config, to prove the Nx tag rules bite. ESLint loads its ESM config with a dynamic import that
// Jest's module sandbox cannot run, so the linting happens in a child Node process.
const { workspaceRoot } = infraSettings();
const lintInChild = `
const { ESLint } = require('eslint');
const { join } = require('node:path');
const eslint = new ESLint({ cwd: process.cwd() });
const { file, source } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
eslint.lintText(source, { filePath: join(process.cwd(), file) }).then(([result]) => {
  process.stdout.write(JSON.stringify(result.messages));
});`;

// The Nx rule reads the cached project graph and skips itself (printing a warning) when there is
// none, as in a fresh clone or after `nx reset`; computing the graph first makes the rule bite.
beforeAll(() => {
  execFileSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: workspaceRoot, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
}, 60_000);

async function violations(file: string, source: string): Promise<string[]> {
  const out = execFileSync(process.execPath, ['-e', lintInChild], { cwd: workspaceRoot, input: JSON.stringify({ file, source }), encoding: 'utf8' });
  const messages = JSON.parse(out) as { ruleId: string | null; message: string }[];
  return messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module boundaries', () => {
  it('refuse a framework or driver import in the domain library', async () => {
    for (const pkg of ['@nestjs/common', 'kafkajs', 'mongodb', 'ioredis', 'rxjs']) {
      const found = await violations('libs/domain/src/forbidden.ts', `import * as x from '${pkg}';\nexport const y = x;\n`);
      expect(found).toContain(`A project tagged with "type:domain" is not allowed to import "${pkg}"`);
    }
  });

  it('refuse an infrastructure library in the domain library', async () => {
    const found = await violations('libs/domain/src/forbidden.ts', `import { HealthModule } from '@eventide/service-kit';\nexport const y = HealthModule;\n`);
    expect(found.join('\n')).toMatch(/tagged with "type:domain" can only depend on libs tagged with "type:domain", "type:util"/);
  });

  it('refuse Node I/O modules in the domain library', async () => {
    const found = await violations('libs/domain/src/forbidden.ts', `import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n`);
    expect(found).toEqual(["'node:fs' import is restricted from being used by a pattern. the domain and util libraries do no I/O"]);
  });

  it('refuse a tool library in the util library', async () => {
    const found = await violations('libs/util/src/forbidden.ts', `import { up } from '@eventide/local-infra';\nexport const y = up;\n`);
    expect(found.join('\n')).toMatch(/tagged with "type:util" can only depend on libs tagged with "type:util"/);
  });

  it('allow infrastructure to use the domain and util libraries, and apps to use infrastructure', async () => {
    expect(await violations('libs/service-kit/src/allowed.ts', `import { parseMoney } from '@eventide/domain';\nimport { assertNever } from '@eventide/util';\nexport const y = [parseMoney, assertNever];\n`)).toEqual([]);
    expect(await violations('apps/command-service/src/allowed.ts', `import { HealthModule } from '@eventide/service-kit';\nexport const y = HealthModule;\n`)).toEqual([]);
  });

  it('refuse an app importing another app', async () => {
    const found = await violations('apps/query-gateway/src/forbidden.ts', `import { CommandServiceModule } from '../../command-service/src/command-service.module';\nexport const y = CommandServiceModule;\n`);
    expect(found.length).toBeGreaterThan(0);
  });
});
