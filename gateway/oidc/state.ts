// The state is a bearer secret between the browser and the gateway: only its hash is stored.
import { createHash } from 'node:crypto';

export const hashState = (state: string): string => createHash('sha256').update(state).digest('hex');

/** How long a person may take at the provider before the login must start again. */
export const PENDING_LOGIN_TTL_MS = 10 * 60_000;
