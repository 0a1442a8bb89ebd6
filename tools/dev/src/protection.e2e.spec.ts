// Protection at the edge of the running gateway: per-key rate limit (429 + Retry-After, problem
// JSON), security headers, oversized headers refused, and no framework banner.
const gatewayUrl = process.env['QUERY_GATEWAY_URL'];
const keys = (process.env['API_KEYS'] ?? '').split(',').map((e) => e.split('=')[0] ?? '');

jest.setTimeout(30_000);

describe('gateway protection', () => {
  it('limits each key to RATE_LIMIT_RPS (200 by default): a burst gets 429 problems with Retry-After, other keys are unaffected', async () => {
    const key = keys[1] ?? '';
    const burst = await Promise.all(Array.from({ length: 700 }, () => fetch(`${gatewayUrl}/v1/dashboard`, { headers: { 'x-api-key': key } })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(3 * 200); // at most the windows the burst spanned
    expect(burst.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    const refused = limited[0] as Response;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { status: number }).status).toBe(429);
    await Promise.all(burst.map((r) => (r.bodyUsed ? undefined : r.arrayBuffer())));
    // Another key has its own allowance.
    const other = await fetch(`${gatewayUrl}/v1/dashboard`, { headers: { 'x-api-key': keys[0] ?? '' } });
    expect(other.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // leave the next tests a fresh window
  });

  it('sends security headers and no X-Powered-By', async () => {
    const response = await fetch(`${gatewayUrl}/v1/dashboard`, { headers: { 'x-api-key': keys[0] ?? '' } });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses oversized headers with a 4xx, never a 5xx', async () => {
    // Node answers 431 before the request reaches the application (its 16 KiB header limit).
    const response = await fetch(`${gatewayUrl}/v1/dashboard`, { headers: { 'x-api-key': keys[0] ?? '', 'x-padding': 'a'.repeat(20_000) } });
    expect(response.status).toBe(431);
  });
});
