// One proxied HTTP request, dispatched on the shared Agent: the client's body is streamed
// to the upstream, the upstream's response is written straight onto the client's
// ServerResponse, with backpressure both ways and nothing buffered.
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { copyResponseHeaders, type ResponseHeaders } from './forward-headers.js';

export type ExchangeOutcome =
  | { kind: 'completed' }
  /** Nothing was sent to the client yet: the caller answers. */
  | { kind: 'failed-before-response'; error: Error }
  /** The response had begun: the client's connection was destroyed. */
  | { kind: 'failed-after-response'; error: Error }
  /** The client went away; the upstream request was aborted. */
  | { kind: 'client-gone' };

/** Runs the request; resolves (never rejects) once the response is over, one way or another. */
export function exchange(agent: Dispatcher, options: Dispatcher.DispatchOptions, res: ServerResponse): Promise<ExchangeOutcome> {
  return new Promise((settle) => {
    agent.dispatch(options, new ExchangeHandler(res, settle));
  });
}

class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private clientGone = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly settle: (outcome: ExchangeOutcome) => void,
  ) {
    res.once('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.controller?.abort(new ClientGone());
  };

  private readonly resume = (): void => this.controller?.resume();

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new ClientGone());
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode < 200) return; // 100 Continue, 103 Early Hints: not relayed
    try {
      copyResponseHeaders(headers, this.res);
      this.res.writeHead(statusCode);
    } catch (err) {
      // A header Node refuses to write (invalid characters): the response cannot be relayed.
      this.res.off('close', this.onClientClose);
      this.res.destroy();
      controller.abort(err as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', this.resume);
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.done({ kind: 'completed' });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.clientGone) return this.done({ kind: 'client-gone' });
    if (!this.res.headersSent && !this.res.destroyed) return this.done({ kind: 'failed-before-response', error });
    this.res.destroy();
    this.done({ kind: 'failed-after-response', error });
  }

  private done(outcome: ExchangeOutcome): void {
    this.res.off('close', this.onClientClose);
    this.settle(outcome);
  }
}
