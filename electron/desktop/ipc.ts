import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import { IPC_CHANNEL } from '../../shared/protocol';
import { toDisposable, type Disposable } from '../../shared/disposable';
import type { CoreApi } from '../core/transport/coreApi';
import { openConnection, type Connection } from '../core/transport/connection';

// The desktop transport and the only code that touches ipcMain. Each attached window's page gets
// one Connection; it lives until the page reloads, navigates, crashes or closes, so a new page
// starts clean and a gone page leaves no open streams. Every message's sender is checked: one of
// our windows, its main frame, showing our renderer's file. Anything else is dropped and logged once.

export interface IpcTransport extends Disposable {
  /** Serve the page of this webContents (the main window's). */
  attach(contents: WebContents): void;
}

export interface IpcTransportOptions {
  /** The renderer's index.html on disk: the only document allowed to talk to the core. */
  rendererFile: string;
  log?: (line: string) => void;
}

interface Attached {
  contents: WebContents;
  connection: Connection | null;
}

export function startIpcTransport(api: CoreApi, options: IpcTransportOptions): IpcTransport {
  const log = options.log ?? ((line: string) => console.warn(line));
  const attached = new Map<number, Attached>();
  const logged = new Set<string>();

  const drop = (event: IpcMainEvent, reason: string): void => {
    const key = `${event.sender.id}:${reason}`;
    if (logged.has(key)) return;
    logged.add(key);
    const url = event.senderFrame?.url ?? '(frame gone)';
    log(`Fleetdeck: dropped IPC from webContents ${event.sender.id} (${url}): ${reason}. Further messages like it are dropped silently.`);
  };

  const onMessage = (event: IpcMainEvent, message: unknown): void => {
    const entry = attached.get(event.sender.id);
    if (!entry || entry.contents !== event.sender) return drop(event, 'not one of our windows');
    const frame = event.senderFrame;
    const main = event.sender.mainFrame;
    if (!frame || frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) {
      return drop(event, 'not the main frame');
    }
    if (!isFile(frame.url, options.rendererFile)) return drop(event, 'not the Fleetdeck renderer');
    if (!entry.connection) {
      const contents = entry.contents;
      entry.connection = openConnection(api, (reply) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, reply);
      });
    }
    entry.connection.receive(message);
  };
  ipcMain.on(IPC_CHANNEL, onMessage);

  const release = (entry: Attached): void => {
    entry.connection?.dispose();
    entry.connection = null;
  };

  const stop = toDisposable(() => {
    ipcMain.removeListener(IPC_CHANNEL, onMessage);
    for (const entry of attached.values()) release(entry);
    attached.clear();
  });

  return {
    attach(contents) {
      if (attached.has(contents.id)) return;
      const entry: Attached = { contents, connection: null };
      attached.set(contents.id, entry);
      // A reload or navigation of the main frame ends the page's conversation; the next page
      // opens a new one with its first message.
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) release(entry);
      });
      contents.on('render-process-gone', () => release(entry));
      contents.once('destroyed', () => {
        release(entry);
        attached.delete(contents.id);
      });
    },
    dispose: () => stop.dispose(),
  };
}

/** Whether `url` is the file:// URL of `file` (query and fragment aside). */
export function isFile(url: string, file: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  parsed.search = '';
  parsed.hash = '';
  let actual: string;
  try {
    actual = path.normalize(fileURLToPath(parsed));
  } catch {
    return false;
  }
  const expected = path.normalize(path.resolve(file));
  return process.platform === 'win32' ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
}
