// The request and response objects the API server's handler gets for a request from a component in the
// same process (kubeclient/localTransport.ts). They offer what the handler uses of Node's
// IncomingMessage and ServerResponse, so the one handler serves both.
import { EventEmitter } from 'events';
import { StringDecoder } from 'string_decoder';
import type { IncomingMessage, ServerResponse } from 'http';
import type { LocalRequest, LocalResponseSink } from '../../kubeclient/localTransport';

/** A request whose body is already at hand (readBody takes it as is). */
export interface LocalIncoming {
  method: string;
  url: string;
  headers: Record<string, string>;
  localBody: string;
  /** a JSON body handed over as its value (LocalRequest.bodyValue) */
  localValue?: unknown;
}

export function isLocalIncoming(req: unknown): req is LocalIncoming {
  return typeof (req as LocalIncoming).localBody === 'string';
}

export function localIncoming(req: LocalRequest): IncomingMessage {
  const incoming: LocalIncoming = {
    method: req.method,
    url: req.url,
    headers: req.headers,
    localBody: req.body ?? '',
    localValue: req.bodyValue,
  };
  return incoming as unknown as IncomingMessage;
}

/** The response of an in-process client that takes objects instead of JSON text, if res is one. */
export function objectResponse(res: unknown): LocalResponse | undefined {
  return res instanceof LocalResponse && res.takesObjects ? res : undefined;
}

/** What the handler writes goes to the sink; 'close' tells the handler the client went away. */
export class LocalResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  private readonly headers: Record<string, unknown> = {};
  private decoder?: StringDecoder;

  constructor(private readonly sink: LocalResponseSink) {
    super();
  }

  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }

  setHeader(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string): unknown {
    return this.headers[name.toLowerCase()];
  }

  writeHead(status: number, headers?: Record<string, unknown>): this {
    if (this.headersSent) return this;
    this.statusCode = status;
    if (headers) for (const [k, v] of Object.entries(headers)) this.setHeader(k, v);
    this.headersSent = true;
    this.sink.head(status);
    return this;
  }

  /** The client takes JSON answers and watch events as objects (LocalResponseSink.object). */
  get takesObjects(): boolean {
    return this.sink.object !== undefined;
  }

  /** Hands a deep-frozen value to a client that takes objects. */
  writeObject(value: unknown): boolean {
    if (this.writableEnded) return false;
    this.flushHeaders();
    this.sink.object!(value);
    return true;
  }

  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
  }

  write(chunk: string | Buffer): boolean {
    if (this.writableEnded) return false;
    this.flushHeaders();
    const text = typeof chunk === 'string' ? chunk : (this.decoder ??= new StringDecoder('utf8')).write(chunk);
    if (text) this.sink.data(text);
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined) this.write(chunk);
    else this.flushHeaders();
    const rest = this.decoder?.end();
    if (rest) this.sink.data(rest);
    this.writableEnded = true;
    this.sink.end();
    this.emit('finish');
    this.emit('close');
    return this;
  }

  /** The client is gone: stop whatever still writes (watches, log follows). */
  destroy(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    this.emit('close');
  }
}
