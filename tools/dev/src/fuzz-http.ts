import { request as httpRequest, Agent } from 'node:http';

/**
 * A raw HTTP client for hostile-input tests: any method, a path sent as given (no normalisation of
 * `..` or percent-escapes, which `fetch` would do), repeated headers, bytes as the body.
 */
export interface RawRequest {
  base: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function send(req: RawRequest, timeoutMs = 15_000): Promise<RawAnswer> {
  const url = new URL(req.base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) }, agent, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}

/** What every answer must satisfy: a violation message, or undefined when it is fine. */
export function contractViolation(method: string, answer: RawAnswer): string | undefined {
  const { status } = answer;
  const type = String(answer.headers['content-type'] ?? '');
  if (status >= 500) {
    // Only the two the contract allows, and only with their own problem type: a 500 is never fine.
    const allowed = { 503: 'dependency-unavailable', 504: 'consistency-timeout' }[status];
    if (!allowed) return `answered ${status}`;
    if (method !== 'HEAD' && !answer.text.includes(`/problems/${allowed}"`)) return `answered ${status} without the ${allowed} problem: ${answer.text.slice(0, 200)}`;
    return undefined;
  }
  if (status < 400) return undefined;
  if (!type.startsWith('application/problem+json')) return `answered ${status} with content-type "${type}"`;
  if (method === 'HEAD') return undefined;
  let body: { type?: unknown; status?: unknown; title?: unknown };
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    return `answered ${status} with a body that is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (typeof body.type !== 'string' || !/^https:\/\/eventide\.dev\/problems\/[a-z-]+$/.test(body.type)) return `answered ${status} with problem type ${String(body.type)}`;
  if (body.status !== status) return `answered ${status} with a problem whose status is ${String(body.status)}`;
  if (typeof body.title !== 'string') return `answered ${status} with a problem without title`;
  return undefined;
}
