import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { parseApiKeys } from './config';

/**
 * The API keys a service accepts: API_KEYS when set; otherwise (local mode) a fresh key for each of
 * two demo tenants, logged once so a developer can use them.
 */
export function apiKeysFromEnv(logger: LoggerService, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const raw = env['API_KEYS'];
  if (raw) return parseApiKeys(raw);
  const keys = new Map(['demo-tenant-a', 'demo-tenant-b'].map((tenant) => [randomBytes(18).toString('base64url'), tenant] as const));
  logger.warn(`API_KEYS is not set: local mode, demo keys ${[...keys].map(([key, tenant]) => `${tenant}=${key}`).join(', ')}`);
  return keys;
}
