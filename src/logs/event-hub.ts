import type { EventFeed, ManagerEvent } from '../api/control-plane.ts';

/** Events kept for a client that connects late (`GET /api/v1/events` replays them). */
const KEPT = 500;

/** The manager's recent decisions and state changes, for the API's event stream. */
export class EventHub implements EventFeed {
  private readonly ring: ManagerEvent[] = [];
  private readonly listeners = new Set<(event: ManagerEvent) => void>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  publish(event: Omit<ManagerEvent, 'seq' | 'at'>): void {
    const full: ManagerEvent = { seq: ++this.seq, at: this.now(), ...event };
    this.ring.push(full);
    if (this.ring.length > KEPT) this.ring.shift();
    for (const listener of this.listeners) listener(full);
  }

  recent(): readonly ManagerEvent[] {
    return this.ring;
  }

  subscribe(listener: (event: ManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
