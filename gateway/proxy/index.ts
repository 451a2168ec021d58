// The reverse proxy's public API: create one Upstream per process, then mount the JWKS
// route and the proxy middleware in the Koa app and the upgrade handler on the http.Server.
export { jwksRoutes, JWKS_PATH } from './jwks.js';
export { proxyMiddleware, type ProxyOptions, type ProxyState } from './middleware.js';
export { createUpstream, type Upstream } from './upstream.js';
export { attachWebSocketProxy, type ResolveSession, type WebSocketProxyOptions } from './websocket.js';
