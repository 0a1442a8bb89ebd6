/** A Redis hash field (a string, or absent) as an integer; 0 when absent or not an integer. */
export function redisInteger(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) ? n : 0;
}
