import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';

const { workspaceRoot } = infraSettings();

/**
 * Runs Nx without its daemon (a daemon would outlive `npm start`/`npm test`, and CI wants no
 * leftovers) and without the interactive terminal UI. Resolves with the exit code.
 */
export function runNx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(workspaceRoot, 'node_modules', '.bin', 'nx'), args, {
      cwd: workspaceRoot,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: process.env['FORCE_COLOR'] ?? (process.stdout.isTTY ? '1' : '0'), ...env },
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Where `buildApps` puts the tree the container image ships: every app, the libraries and `run.js`. */
export const imageDir = join('dist', 'image');

/** Compiles every app into the image tree (`node dist/image/run.js <app>` starts one). Resolves with the exit code. */
export function buildApps(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(workspaceRoot, 'tools', 'build', 'build-app.mjs'), '--image', imageDir], { cwd: workspaceRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
