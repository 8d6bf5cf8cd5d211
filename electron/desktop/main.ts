import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, safeStorage, screen, session, shell, type WebContents } from 'electron';
import pkg from '../../package.json' with { type: 'json' };
import { startCore, type Core } from '../core/core';
import { locateFleetFile } from '../core/inventory/locate';
import { menuTemplate, type ShippedDoc } from './menu';
import { openSafeStorageSecrets } from './safeStorageSecrets';
import { startIpcTransport, type IpcTransport } from './ipc';
import { placeWindow, readWindowState, trackWindowState } from './window-state';

// The desktop shell: starts the core inside Electron and opens the window. The page is sandboxed
// and isolated, with no Node; it talks to the core only through the preload's CorePort, whose
// every message the IPC transport checks. It may not navigate, open windows or get permissions.
// Bundled to dist/electron/main.cjs; preload.cjs and ../renderer/ sit beside it at run time.

const RENDERER_FILE = path.join(__dirname, '..', 'renderer', 'index.html');
const PRELOAD_FILE = path.join(__dirname, 'preload.cjs');
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const ALLOWED_PERMISSIONS = new Set(['notifications']);
const DISPOSE_TIMEOUT_MS = 5000;

let core: Core | null = null;
let transport: IpcTransport | null = null;
let mainWindow: BrowserWindow | null = null;
let disposed = false;

/** The value of --fleet FILE or --fleet=FILE among the command-line arguments. */
function fleetFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--fleet') return argv[i + 1];
    if (arg.startsWith('--fleet=')) return arg.slice('--fleet='.length);
  }
  return undefined;
}

function openInBrowser(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol === 'https:' || parsed.protocol === 'http:') void shell.openExternal(parsed.href);
  else console.warn(`Fleetdeck: not opening ${parsed.protocol} link.`);
}

function openDoc(doc: ShippedDoc): void {
  const homepage = (pkg as { homepage?: string }).homepage;
  if (homepage && doc === 'README.md') return openInBrowser(homepage);
  // Packaged, README.md and docs/ are unpacked from app.asar (build/electron-builder.yml) so that
  // another program can read them.
  const file = path.join(app.getAppPath().replace(/app\.asar$/, 'app.asar.unpacked'), doc);
  void shell.openPath(file).then((error) => {
    if (error) console.warn(`Fleetdeck: could not open ${file}: ${error}`);
  });
}

/** What every page must obey, set once for the session and for every webContents created. */
function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    if (!details.url.startsWith('file:')) return callback({});
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(ALLOWED_PERMISSIONS.has(permission));
  });
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      event.preventDefault();
      openInBrowser(event.url);
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      openInBrowser(url);
      return { action: 'deny' };
    });
  });
}

function createWindow(): BrowserWindow {
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea);
  const placed = placeWindow(readWindowState(stateFile), workAreas);
  const window = new BrowserWindow({
    ...(placed.x !== undefined && placed.y !== undefined ? { x: placed.x, y: placed.y } : { center: true }),
    width: placed.width,
    height: placed.height,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: 'Fleetdeck',
    webPreferences: {
      preload: PRELOAD_FILE,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const tracking = trackWindowState(window, stateFile);
  window.once('ready-to-show', () => {
    if (placed.maximized) window.maximize();
    window.show();
  });
  window.on('closed', () => {
    tracking.dispose();
    if (mainWindow === window) mainWindow = null;
  });
  // The page asks before it goes while shells are open (beforeunload); Electron shows no dialog
  // for that by itself and would silently keep the window, so the question is asked here.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      message: 'Close the open shells?',
      detail: 'Leaving or reloading the page closes every shell.',
    });
    if (choice === 0) event.preventDefault();
  });
  transport?.attach(window.webContents);
  void window.loadFile(RENDERER_FILE).catch((error: Error) => {
    console.error(`Fleetdeck: could not load ${RENDERER_FILE}: ${error.message}. Run \`npm run build\` first.`);
  });
  return window;
}

/** Disposes the core once, with a deadline so that a stuck service cannot keep the app alive. */
async function disposeCore(): Promise<void> {
  if (disposed) return;
  disposed = true;
  transport?.dispose();
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, DISPOSE_TIMEOUT_MS).unref());
  await Promise.race([core?.dispose(), deadline]).catch((error: Error) => {
    console.error(`Fleetdeck: stopping the core failed: ${error.message}`);
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDown();
  const fleetPath = locateFleetFile({
    flag: fleetFlag(process.argv),
    env: process.env,
    cwd: process.cwd(),
    configDir: app.getPath('userData'),
  });
  // Remembered passwords and passphrases: encrypted by the OS keychain, or not remembered at all.
  const secrets = await openSafeStorageSecrets(path.join(app.getPath('userData'), 'secrets.bin'), safeStorage);
  if (!secrets) console.warn('Fleetdeck: no OS keychain for safeStorage; passwords and passphrases will not be remembered.');
  core = await startCore({ mode: 'electron', fleetPath, dataDir: app.getPath('userData'), secrets });
  transport = startIpcTransport(core.api, { rendererFile: RENDERER_FILE });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ appName: app.name, isMac: process.platform === 'darwin', openDoc })));
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another Fleetdeck is running; it shows its window (second-instance below) and this one ends.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // One window holds the SSH sessions; closing it ends them, on macOS too.
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    void disposeCore().then(() => app.quit());
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  start().catch((error: Error) => {
    console.error(`Fleetdeck: ${error.stack ?? error.message}`);
    dialog.showErrorBox('Fleetdeck could not start', error.message);
    void disposeCore().then(() => app.exit(1));
  });
}
