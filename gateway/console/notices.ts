// What a console page says after an action. The redirect carries only a code, so
// nobody can make the console show text of their choosing.
import type { Notice } from './layout.js';

const DONE: Record<string, string> = {
  'license-request-approved': 'Approved: the user has a Full license now, and was told by email.',
  'license-request-denied': 'Denied: the user was told by email.',
  'access-request-approved': 'Approved: the person joined the account.',
  'access-request-denied': 'Denied: the person was not added.',
  'license-changed': 'The license was changed.',
  invited: 'The invitation was sent.',
  'invitation-revoked': 'The invitation was revoked.',
};

const FAILED: Record<string, string> = {
  'no-full-seat-left': 'No Full seat is left: free a seat or buy more first.',
  'already-decided': 'That request was decided already.',
  'license-not-offered': 'Your licensing program does not offer that license.',
  'user-not-active': 'That user is not active.',
  'not-found': 'That no longer exists.',
  'not-pending': 'That invitation is not pending any more.',
};

export function noticeOf(done: unknown, failed: unknown): Notice | undefined {
  if (typeof done === 'string' && DONE[done]) return { kind: 'ok', text: DONE[done] };
  if (typeof failed === 'string' && /^[a-z-]{1,40}$/.test(failed)) return { kind: 'error', text: FAILED[failed] ?? `That did not work (${failed}).` };
  return undefined;
}
