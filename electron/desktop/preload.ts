import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC_CHANNEL,
  PRELOAD_GLOBAL,
  type ClientMessage,
  type CorePort,
  type PortState,
  type ServerMessage,
} from '../../shared/protocol';

// The sandboxed preload: it gives the page one CorePort on window.fleetdeck and nothing else.
// The page never sees ipcRenderer or an IPC event (whose `sender` would be ipcRenderer), only
// protocol messages on the one channel. The main process checks every message's sender.
// Bundled to CommonJS (dist/electron/preload.cjs); it may import only `electron` and constants.

const port: CorePort = {
  post(message: ClientMessage): void {
    ipcRenderer.send(IPC_CHANNEL, message);
  },
  onMessage(listener: (message: ServerMessage) => void): () => void {
    const forward = (_event: IpcRendererEvent, message: ServerMessage): void => listener(message);
    ipcRenderer.on(IPC_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_CHANNEL, forward);
    };
  },
  onState(listener: (state: PortState) => void): () => void {
    // IPC cannot drop while the page lives.
    listener({ connected: true });
    return () => {};
  },
};

contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, port);
