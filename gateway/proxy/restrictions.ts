// Users captured by an auto_join_exclusive domain may not create accounts of their own:
// the upstream routes that do (gateway.yaml restrictions.account_creation) are refused.
import type { Gateway } from '../../policies/model.js';

/**
 * Whether METHOD path is one of the routes: the method equal, the path equal or below it
 * (`/signup` covers `/signup/team`, not `/signups`). Paths are compared after the
 * normalisation an upstream router might apply: percent-decoding, `//` and dot segments
 * collapsed, trailing slash dropped, case ignored, so `/SignUp/` or `//signup` cannot slip through.
 */
export function isAccountCreation(routes: Gateway['accountCreationRoutes'], method: string, path: string): boolean {
  if (routes.length === 0) return false;
  const requested = normalise(path);
  return routes.some((route) => {
    if (route.method.toUpperCase() !== method.toUpperCase()) return false;
    const prefix = normalise(route.path);
    return requested === prefix || requested.startsWith(prefix === '/' ? '/' : `${prefix}/`);
  });
}

function normalise(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: compare the raw path.
  }
  const collapsed = new URL(decoded.replace(/[\\/]+/g, '/'), 'http://gateway.invalid').pathname;
  const trimmed = collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
  return trimmed.toLowerCase();
}
