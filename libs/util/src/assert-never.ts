/**
 * Ends every `switch` over a discriminated union: when a new case is added and not handled,
 * the call no longer compiles.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
