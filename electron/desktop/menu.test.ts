import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type ShippedDoc } from './menu';

describe('the Help menu', () => {
  const opened: ShippedDoc[] = [];
  const template = menuTemplate({ appName: 'Fleetdeck', isMac: false, openDoc: (doc) => opened.push(doc) });
  const help = template.find((item) => item.role === 'help');
  const items = (help?.submenu ?? []) as MenuItemConstructorOptions[];

  it("opens the user's guide and the docs folder shipped with the app", () => {
    expect(items.map((item) => item.label)).toEqual(["Fleetdeck User's Guide", 'More Documentation (deploys, fleet file, architecture)']);
    for (const item of items) item.click?.(undefined as never, undefined, undefined as never);
    expect(opened).toEqual(['README.md', 'docs']);
  });
});
