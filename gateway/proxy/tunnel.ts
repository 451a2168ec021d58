// One upgrade request on the shared Agent: when the upstream switches protocols, the
// client's socket and the upstream's are piped into each other; any other answer is
// relayed as is and the connection closed.
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { rawResponseHead, type ResponseHeaders } from './forward-headers.js';

export type TunnelOutcome = { kind: 'tunnelled' | 'relayed' | 'client-gone' } | { kind: 'failed'; error: Error; responseStarted: boolean };

/** Resolves (never rejects) once the tunnel is up or the request is over. */
export function tunnelUpgrade(agent: Dispatcher, options: Dispatcher.DispatchOptions, client: Duplex, head: Buffer): Promise<TunnelOutcome> {
  return new Promise((settle) => {
    agent.dispatch(options, new TunnelHandler(client, head, settle));
  });
}

class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

class TunnelHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private responseStarted = false;

  constructor(
    private readonly client: Duplex,
    private readonly head: Buffer,
    private readonly settle: (outcome: TunnelOutcome) => void,
  ) {
    client.once('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    this.controller?.abort(new ClientGone());
  };

  private readonly resume = (): void => this.controller?.resume();

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.client.destroyed) controller.abort(new ClientGone());
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders, upstream: Duplex): void {
    const { client } = this;
    client.off('close', this.onClientClose);
    client.write(rawResponseHead(statusCode, headers), 'latin1');
    if (this.head.length > 0) upstream.write(this.head);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close).on('close', close);
    client.on('error', close).on('close', close);
    upstream.pipe(client);
    client.pipe(upstream);
    this.settle({ kind: 'tunnelled' });
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode < 200) return;
    this.responseStarted = true;
    this.client.write(rawResponseHead(statusCode, headers), 'latin1');
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.client.write(chunk)) {
      controller.pause();
      this.client.once('drain', this.resume);
    }
  }

  onResponseEnd(): void {
    this.client.off('close', this.onClientClose);
    this.client.end(() => this.client.destroy());
    this.settle({ kind: 'relayed' });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.client.off('close', this.onClientClose);
    if (error instanceof ClientGone) return this.settle({ kind: 'client-gone' });
    if (this.responseStarted) this.client.destroy();
    this.settle({ kind: 'failed', error, responseStarted: this.responseStarted });
  }
}
