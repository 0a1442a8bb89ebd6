import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
import { parseApiKeys } from '@eventide/service-kit';

const DEMO_TENANTS = ['demo-tenant-a', 'demo-tenant-b'];

/**
 * API_KEYS from the environment, or in local mode a key for each of two demo tenants, generated
 * once and kept under .infra so the curl lines a developer saved keep working across restarts.
 */
export async function localApiKeys(): Promise<{ raw: string; keys: Map<string, string>; generated: boolean }> {
  const fromEnv = process.env['API_KEYS'];
  if (fromEnv) return { raw: fromEnv, keys: parseApiKeys(fromEnv), generated: false };
  const file = join(infraSettings().stateDir, 'api-keys');
  let raw = await readFile(file, 'utf8').then((s) => s.trim(), () => '');
  if (!raw) {
    raw = DEMO_TENANTS.map((tenant) => `${randomBytes(18).toString('base64url')}=${tenant}`).join(',');
    await mkdir(infraSettings().stateDir, { recursive: true });
    await writeFile(file, `${raw}\n`, { mode: 0o600 });
  }
  return { raw, keys: parseApiKeys(raw), generated: true };
}
