import { z } from 'zod';

/** Ids in paths, bodies and query strings: letters, digits, `-` and `_`; nothing that could traverse or inject. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');
