// JSON-RPC 2.0 over a byte stream with LSP's Content-Length framing: requests with answers,
// notifications both ways, and requests the server sends to the client.
import { Readable, Writable } from 'stream';

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type NotificationHandler = (method: string, params: any, receivedAt: number) => void;
/** Answers a request from the server; a thrown error becomes a JSON-RPC error answer. */
export type RequestHandler = (method: string, params: any) => unknown | Promise<unknown>;

const HEADER_END = Buffer.from('\r\n\r\n');

export class RpcConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<
    number,
    { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private notificationHandlers: NotificationHandler[] = [];
  private closedError: Error | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onRequest: RequestHandler,
  ) {
    input.on('data', (chunk: Buffer) => this.receive(chunk));
    input.on('end', () => this.close(new Error('the server closed its output')));
    output.on('error', (e) => this.close(e));
  }

  onNotification(handler: NotificationHandler): () => void {
    this.notificationHandlers.push(handler);
    return () => {
      this.notificationHandlers = this.notificationHandlers.filter((h) => h !== handler);
    };
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    if (this.closedError) throw this.closedError;
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Fails every open request; later calls fail at once. */
  close(reason: Error): void {
    if (this.closedError) return;
    this.closedError = reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.method}: ${reason.message}`));
      this.pending.delete(id);
    }
  }

  private send(message: RpcMessage): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.output.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private receive(chunk: Buffer): void {
    const receivedAt = performance.now();
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m)
        throw new Error(`language server sent a message header without Content-Length: ${JSON.stringify(header)}`);
      const length = Number(m[1]);
      const start = headerEnd + HEADER_END.length;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body) as RpcMessage, receivedAt);
    }
  }

  private dispatch(message: RpcMessage, receivedAt: number): void {
    if (message.method !== undefined && message.id !== undefined && message.id !== null) {
      void this.answer(message.id, message.method, message.params);
    } else if (message.method !== undefined) {
      for (const h of this.notificationHandlers) h(message.method, message.params, receivedAt);
    } else if (typeof message.id === 'number') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new Error(`${p.method} failed: ${message.error.code} ${message.error.message}`));
      else p.resolve(message.result);
    }
  }

  private async answer(id: number | string, method: string, params: unknown): Promise<void> {
    try {
      const result = await this.onRequest(method, params);
      if (!this.closedError) this.send({ jsonrpc: '2.0', id, result: result ?? null });
    } catch (e) {
      if (!this.closedError) this.send({ jsonrpc: '2.0', id, error: { code: -32603, message: (e as Error).message } });
    }
  }
}
