import { buildApps } from '@eventide/dev';

let built: Promise<void> | undefined;

/** Builds the apps' image tree once per run (`node dist/image/run.js <app>`), for pairs that start services. */
export function ensureImage(): Promise<void> {
  built ??= buildApps().then((code) => {
    if (code !== 0) {
      built = undefined;
      throw new Error(`building the apps' image tree failed (exit ${code})`);
    }
  });
  return built;
}
