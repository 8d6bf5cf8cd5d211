import type { MenuItemConstructorOptions } from 'electron';

// The application menu: the platform's usual roles, and Help → the user's guide (README.md) and
// the rest of the documentation (docs/), both shipped beside the app (build/electron-builder.yml).
// Only types come from electron here, so that the template can be tested in plain Node; main.ts
// installs it.

/** A document shipped with the app, relative to its root: the user's guide or the docs folder. */
export type ShippedDoc = 'README.md' | 'docs';

export interface MenuOptions {
  appName: string;
  isMac: boolean;
  /** Opens a shipped document with the program the OS picks for it. */
  openDoc: (doc: ShippedDoc) => void;
}

export function menuTemplate({ appName, isMac, openDoc }: MenuOptions): MenuItemConstructorOptions[] {
  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [
      { role: 'about' },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  return [
    ...(isMac ? [appMenu] : []),
    { label: '&File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: `${appName} User's Guide`, click: () => openDoc('README.md') },
        { label: 'More Documentation (deploys, fleet file, architecture)', click: () => openDoc('docs') },
      ],
    },
  ];
}
