// An application/x-www-form-urlencoded body, read with a size limit before anything
// parses it. Koa has no body parser here: the SAML routes are the only form posts.
import type { Context } from 'koa';
import { samlRefusal } from './refusals.js';

export async function readForm(ctx: Context, maxBytes: number): Promise<URLSearchParams> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) throw samlRefusal('saml-body-too-large', `body of ${declared} bytes; limit ${maxBytes}`, 413);
  if (!ctx.is('application/x-www-form-urlencoded')) throw samlRefusal('saml-bad-request', `content type ${ctx.get('content-type') || 'none'}`, 400);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw samlRefusal('saml-body-too-large', `body over ${maxBytes} bytes`, 413);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
