import { bodyProblem } from './json-body';

describe('bodyProblem', () => {
  it.each([
    [{ status: 400, type: 'entity.parse.failed' }, 400, 'malformed-json'],
    [{ status: 413, type: 'entity.too.large' }, 413, 'payload-too-large'],
    [{ status: 415, type: 'charset.unsupported' }, 415, 'unsupported-media-type'],
    [{ status: 415, type: 'encoding.unsupported' }, 415, 'unsupported-media-type'],
    // A `Content-Encoding: gzip` body that is not gzip: zlib's error, which carries no `type`.
    [{ status: 400, code: 'Z_DATA_ERROR' }, 400, 'malformed-json'],
    [{ status: 400, type: 'request.size.invalid' }, 400, 'malformed-json'],
  ])('maps %p to %i %s', (error, status, kind) => {
    const { problem } = bodyProblem(error);
    expect([problem.status, problem.type]).toEqual([status, `https://eventide.dev/problems/${kind}`]);
  });
});
