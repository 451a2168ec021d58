// Loaded into the gateway process under test (NODE_OPTIONS --import; plain JS, so no
// second TypeScript loader is needed in that process): requests to
// Entra ID go to the local hostile provider instead, so that openid-client's Entra
// multi-tenant handling runs exactly as it would against login.microsoftonline.com.
const target = process.env.DOORMAN_TEST_ENTRA_ORIGIN;
if (target) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith('https://login.microsoftonline.com/')) return realFetch(input, init);
    const local = url.replace('https://login.microsoftonline.com', target);
    return input instanceof Request ? realFetch(new Request(local, input), init) : realFetch(local, init);
  };
}
