import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL } from '../../shared/protocol';

// The IPC transport's sender checks and connection lifetimes, with ipcMain, webContents and the
// generic Connection replaced by fakes (no Electron binary is needed).

const { ipcMain, connections } = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  return {
    ipcMain: new EventEmitter(),
    connections: [] as { received: unknown[]; disposed: boolean; send: (m: unknown) => void }[],
  };
});
vi.mock('electron', () => ({ ipcMain }));
vi.mock('../core/transport/connection', () => ({
  openConnection: (_api: unknown, send: (m: unknown) => void) => {
    const connection = { received: [] as unknown[], disposed: false, send };
    connections.push(connection);
    return {
      receive: (message: unknown) => connection.received.push(message),
      dispose: () => (connection.disposed = true),
    };
  },
}));

const { isFile, startIpcTransport } = await import('./ipc');

const RENDERER = path.resolve('/opt/Fleetdeck/resources/app.asar/dist/renderer/index.html');
const RENDERER_URL = pathToFileURL(RENDERER).href;

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: unknown[] = [];
  readonly mainFrame: FakeFrame = { url: RENDERER_URL, parent: null, processId: 7, routingId: 1 };
  destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, message: unknown): void {
    expect(channel).toBe(IPC_CHANNEL);
    this.sent.push(message);
  }
  /** Emits a message as if the page (or the given frame) sent it on the channel. */
  post(message: unknown, frame: FakeFrame | null = this.mainFrame): void {
    ipcMain.emit(IPC_CHANNEL, { sender: this, senderFrame: frame }, message);
  }
}

const call = { t: 'call', id: 1, method: 'app.info', input: null };

function setup() {
  const log = vi.fn<(line: string) => void>();
  const transport = startIpcTransport({} as never, { rendererFile: RENDERER, log });
  const contents = new FakeWebContents();
  transport.attach(contents as never);
  return { transport, contents, log };
}

beforeEach(() => {
  connections.length = 0;
  ipcMain.removeAllListeners();
});

describe('IPC transport', () => {
  it('opens one connection per page and passes messages and replies through', () => {
    const { contents } = setup();
    contents.post(call);
    contents.post({ t: 'close', id: 1 });
    expect(connections).toHaveLength(1);
    expect(connections[0]!.received).toEqual([call, { t: 'close', id: 1 }]);
    connections[0]!.send({ t: 'end', id: 1 });
    expect(contents.sent).toEqual([{ t: 'end', id: 1 }]);
  });

  it('drops messages from a webContents that is not attached, and logs it once', () => {
    const { log } = setup();
    const stranger = new FakeWebContents();
    stranger.post(call);
    stranger.post(call);
    expect(connections).toHaveLength(0);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(/not one of our windows/);
  });

  it('drops messages from a subframe, a gone frame, or another document', () => {
    const { contents, log } = setup();
    contents.post(call, { url: RENDERER_URL, parent: contents.mainFrame, processId: 7, routingId: 2 });
    contents.post(call, { url: RENDERER_URL, parent: null, processId: 8, routingId: 1 });
    contents.post(call, null);
    contents.mainFrame.url = 'https://example.com/';
    contents.post(call);
    contents.mainFrame.url = pathToFileURL(path.resolve('/tmp/evil.html')).href;
    contents.post(call);
    expect(connections).toHaveLength(0);
    expect(log.mock.calls.map(([line]) => line.match(/: ([^:]+)\. Further/)?.[1])).toEqual([
      'not the main frame',
      'not the Fleetdeck renderer',
    ]);
  });

  it('ends the conversation when the page reloads, and the next page gets a new one', () => {
    const { contents } = setup();
    contents.post(call);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    contents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(connections[0]!.disposed).toBe(false);
    contents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(connections[0]!.disposed).toBe(true);
    contents.post(call);
    expect(connections).toHaveLength(2);
    expect(connections[1]!.received).toEqual([call]);
  });

  it('ends it when the renderer crashes or the webContents is destroyed, and then ignores it', () => {
    const { contents, log } = setup();
    contents.post(call);
    contents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(connections[0]!.disposed).toBe(true);
    contents.post(call);
    contents.destroyed = true;
    contents.emit('destroyed');
    expect(connections[1]!.disposed).toBe(true);
    contents.post(call);
    expect(connections).toHaveLength(2);
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('does not send to a destroyed webContents', () => {
    const { contents } = setup();
    contents.post(call);
    contents.destroyed = true;
    connections[0]!.send({ t: 'end', id: 1 });
    expect(contents.sent).toEqual([]);
  });

  it('stops listening and ends every conversation when disposed', () => {
    const { transport, contents } = setup();
    contents.post(call);
    transport.dispose();
    expect(connections[0]!.disposed).toBe(true);
    expect(ipcMain.listenerCount(IPC_CHANNEL)).toBe(0);
  });
});

describe('isFile', () => {
  it('matches the file URL of the renderer, ignoring query and fragment', () => {
    expect(isFile(RENDERER_URL, RENDERER)).toBe(true);
    expect(isFile(`${RENDERER_URL}?x=1#/hosts`, RENDERER)).toBe(true);
  });

  it('matches percent-encoded paths (spaces in "Application Support")', () => {
    const spaced = path.resolve('/Users/me/Library/Application Support/Fleetdeck/index.html');
    expect(isFile(pathToFileURL(spaced).href, spaced)).toBe(true);
  });

  it('rejects other files, other schemes, remote hosts and garbage', () => {
    expect(isFile(pathToFileURL(path.resolve('/opt/Fleetdeck/other.html')).href, RENDERER)).toBe(false);
    expect(isFile(RENDERER_URL.replace('file:', 'https:'), RENDERER)).toBe(false);
    expect(isFile('file://evil.example.com/opt/Fleetdeck/resources/app.asar/dist/renderer/index.html', RENDERER)).toBe(false);
    expect(isFile('not a url', RENDERER)).toBe(false);
    expect(isFile('', RENDERER)).toBe(false);
  });
});
