// The container's entry point: `node run.js <app> [args...]` starts one of the apps in this image,
// e.g. `query-gateway`, or `operator-cli rebuild projector-mongo`.
const { readdirSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const apps = readdirSync(join(__dirname, 'apps')).filter((name) => existsSync(join(__dirname, 'apps', name, 'src', 'main.js')));
const app = process.argv[2];
if (!app || !apps.includes(app)) {
  console.error(`usage: <image> <app> [args...], where <app> is one of: ${apps.join(', ')}`);
  process.exit(64);
}
// Run the app as the main module, with its own arguments, as if it had been started directly.
process.argv.splice(1, 2, join(__dirname, 'apps', app, 'src', 'main.js'));
require('node:module').runMain();
