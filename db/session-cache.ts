// What a gateway process keeps of the sessions it served, so that a proxied request on
// PostgreSQL costs no round trip. The database announces every change to a session row
// (migration 0013: an update or a delete, by any process, also by a cascade); the
// process's own changes are dropped at once. While the announcements cannot be heard the
// cache serves nothing and every lookup reads the database.
import type { Session } from './repositories/sessions.js';

/** Sessions kept at most; the oldest kept goes first. */
export const SESSION_CACHE_CAPACITY = 50_000;

export class SessionCache {
  private readonly entries = new Map<string, Session>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Moves at every change: a lookup that began before one may not keep what it read. */
  private generation = 0;
  private live = false;

  constructor(private readonly capacity = SESSION_CACHE_CAPACITY) {}

  /** Whether lookups may be served from memory: the change announcements are being heard. */
  get listening(): boolean {
    return this.live;
  }

  get(idHash: string): Session | undefined {
    return this.live ? this.entries.get(idHash) : undefined;
  }

  /** Taken before reading a session from the database, handed to keep(). */
  mark(): number {
    return this.generation;
  }

  /** Keeps a session read from the database, unless anything changed since mark() or nothing is heard. */
  keep(mark: number, session: Session): void {
    if (!this.live || mark !== this.generation) return;
    if (!this.entries.has(session.idHash) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.drop(oldest.value);
    }
    this.entries.set(session.idHash, session);
    let ids = this.byUser.get(session.userId);
    if (!ids) this.byUser.set(session.userId, (ids = new Set()));
    ids.add(session.idHash);
  }

  /** A session changed or ended. */
  forget(idHash: string): void {
    this.generation += 1;
    this.drop(idHash);
  }

  /** Every session of a user changed or ended. */
  forgetUser(userId: string): void {
    this.generation += 1;
    for (const idHash of this.byUser.get(userId) ?? []) this.drop(idHash);
  }

  /** The announcements are heard (again): start empty, as changes may have been missed meanwhile. */
  resume(): void {
    this.clear();
    this.live = true;
  }

  /** The announcements cannot be heard: nothing kept can be trusted. */
  suspend(): void {
    this.live = false;
    this.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.byUser.clear();
  }

  private drop(idHash: string): void {
    const session = this.entries.get(idHash);
    if (!session) return;
    this.entries.delete(idHash);
    const ids = this.byUser.get(session.userId);
    ids?.delete(idHash);
    if (ids?.size === 0) this.byUser.delete(session.userId);
  }
}
