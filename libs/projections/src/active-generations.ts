import type { GenerationRegistry } from './generation-registry';

/**
 * The generation each family's readers should read, refreshed in the background. Readers never
 * wait on it: between a switch and the next refresh they keep reading the previous generation,
 * which a rebuild drops only after every replica acknowledged the switch (plus this refresh delay).
 */
export class ActiveGenerations {
  private readonly active = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: GenerationRegistry,
    private readonly families: readonly string[],
    private readonly refreshMs = 1000,
  ) {}

  /** Reads the registry once, then keeps refreshing until {@link stop}. */
  async start(): Promise<void> {
    await this.refresh().catch(() => undefined);
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The family's active generation (1 until its registry document exists). */
  of(family: string): number {
    return this.active.get(family) ?? 1;
  }

  async refresh(): Promise<void> {
    for (const doc of await this.registry.list()) if (this.families.includes(doc._id)) this.active.set(doc._id, doc.active);
  }
}
