/**
 * A fault-injecting HTTP proxy for tests: sits between the backend and the GHL sandbox,
 * passes every request through, and breaks the answers a test asks it to break the way a
 * hostile network (or a misbehaving GHL) would: a connection reset half-way through the
 * body, a body shorter than its Content-Length, a body that stalls until the client times
 * out, an empty 200, a 200 of `{}`, or a page cut short while its `total` stays as it was.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind =
  /** Headers and half the body, then a TCP reset. */
  | 'reset-mid-body'
  /** The full Content-Length announced, half the body sent, then the connection closed. */
  | 'short-body'
  /** Headers and half the body, then nothing until the client gives up. */
  | 'stall-mid-body'
  /** 200 with no body at all. */
  | 'empty-200'
  /** 200 with `{}`: valid JSON, no list. */
  | 'empty-object'
  /** The page's list cut to `keep` records; `total` (and, unless `dropCursor`, the cursor) untouched. */
  | 'short-page';

export interface ProxyFault {
  method?: string;
  /** Matches the request's path without the query (a string: exactly, trailing slash ignored). */
  path: string | RegExp;
  kind: FaultKind;
  /** Matching requests let through untouched before the fault starts (default 0). */
  skip?: number;
  /** Matching requests that get the fault (default 1; Infinity: every one until cleared). */
  times?: number;
  /** short-page: records kept (default half the page, rounded up). */
  keep?: number;
  /** short-page: also remove the opportunities cursor (`meta.startAfter*`, `nextPageUrl`). */
  dropCursor?: boolean;
}

export interface FaultProxy {
  url: string;
  /** Requests forwarded, and how many got a fault. */
  stats: { requests: number; faulted: number; byKind: Partial<Record<FaultKind, number>> };
  inject(fault: ProxyFault): void;
  /** Drops every fault not yet used up. */
  clear(): void;
  close(): Promise<void>;
}

const LIST_FIELDS = ['contacts', 'opportunities', 'pipelines', 'conversations', 'calendars', 'events', 'customFields'];
/** Long enough for the client to have read the headers and the first half of the body. */
const MID_BODY_PAUSE_MS = 30;

interface ActiveFault extends ProxyFault {
  skipLeft: number;
  timesLeft: number;
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const faults: ActiveFault[] = [];
  const stats: FaultProxy['stats'] = { requests: 0, faulted: 0, byKind: {} };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const takeFault = (method: string, path: string): ProxyFault | undefined => {
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    for (const [index, fault] of faults.entries()) {
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      const matches = typeof fault.path === 'string' ? fault.path.replace(/\/+$/, '') === normalized : fault.path.test(path);
      if (!matches) continue;
      if (fault.skipLeft > 0) {
        fault.skipLeft--;
        return undefined;
      }
      if (--fault.timesLeft <= 0) faults.splice(index, 1);
      return fault;
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      stats.requests++;
      const method = (req.method ?? 'GET').toUpperCase();
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      const fault = takeFault(method, path);
      const headers = { ...req.headers, host: upstream.host };
      delete headers.connection;
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => respond(res, answer, Buffer.concat(body), fault));
          answer.on('error', () => res.destroy());
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });

  const respond = (res: http.ServerResponse, answer: http.IncomingMessage, body: Buffer, fault: ProxyFault | undefined) => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(answer.headers)) {
      if (['content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(key) || value === undefined) continue;
      headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const status = answer.statusCode ?? 502;
    if (!fault) {
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
      return;
    }
    stats.faulted++;
    stats.byKind[fault.kind] = (stats.byKind[fault.kind] ?? 0) + 1;
    const half = body.subarray(0, Math.floor(body.length / 2));
    switch (fault.kind) {
      case 'reset-mid-body':
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(half, () => later(MID_BODY_PAUSE_MS, () => res.socket?.resetAndDestroy()));
        return;
      case 'short-body':
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(half, () => later(MID_BODY_PAUSE_MS, () => res.socket?.end()));
        return;
      case 'stall-mid-body':
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(half); // and nothing more: the client's timeout has to end it
        return;
      case 'empty-200':
        res.writeHead(200, { ...headers, 'content-length': '0' });
        res.end();
        return;
      case 'empty-object':
        res.writeHead(200, { ...headers, 'content-length': '2' });
        res.end('{}');
        return;
      case 'short-page': {
        const page = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        const field = LIST_FIELDS.find((name) => Array.isArray(page[name]));
        if (!field) {
          // Nothing to cut (an error answer, say): pass it on and do not count it as a fault.
          stats.faulted--;
          stats.byKind[fault.kind]!--;
          res.writeHead(status, { ...headers, 'content-length': String(body.length) });
          res.end(body);
          return;
        }
        const list = page[field] as unknown[];
        page[field] = list.slice(0, fault.keep ?? Math.ceil(list.length / 2));
        if (fault.dropCursor && page.meta && typeof page.meta === 'object') {
          const meta = page.meta as Record<string, unknown>;
          delete meta.startAfter;
          delete meta.startAfterId;
          meta.nextPageUrl = null;
        }
        const cut = Buffer.from(JSON.stringify(page));
        res.writeHead(status, { ...headers, 'content-length': String(cut.length) });
        res.end(cut);
        return;
      }
    }
  };

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    inject(fault) {
      faults.push({ ...fault, skipLeft: fault.skip ?? 0, timesLeft: fault.times ?? 1 });
    },
    clear() {
      faults.length = 0;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
