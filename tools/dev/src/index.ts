// What other tools reuse from the dev tooling: starting, watching and stopping the built services.
export { startService, startServices, stopServices, waitReady, serviceUrls, serviceUrlEnv, type RunningService, type StartOptions } from './stack';
export { buildApps, imageDir } from './nx';
