import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { toDisposable, type Disposable } from '../../shared/disposable';

// The main window's size, position and maximized state, remembered in <userData>/window-state.json.
// Parsing and placement are pure (tested without Electron); only `trackWindowState` touches a
// window, and this file imports nothing from electron at runtime.

export interface WindowState {
  /** Absent: let Electron center the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 720, height: 480 } as const;
/** How much of the window's top edge (its title bar) must be on a display for the saved position to count. */
const MIN_VISIBLE = { width: 100, height: 40 } as const;
const SAVE_DELAY_MS = 500;

/** The saved state, or null when the text is not a state we wrote (missing, corrupt, edited). */
export function parseWindowState(text: string): WindowState | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const size = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0 && n < 100_000;
  const coordinate = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < 100_000;
  if (!size(v.width) || !size(v.height)) return null;
  const state: WindowState = { width: Math.round(v.width), height: Math.round(v.height), maximized: v.maximized === true };
  if (coordinate(v.x) && coordinate(v.y)) {
    state.x = Math.round(v.x);
    state.y = Math.round(v.y);
  }
  return state;
}

/**
 * Where to open the window, given the saved state and the displays' work areas (the primary one
 * first). The saved position is kept only if the window's title bar would be on a display that is
 * still there; the size never exceeds that display's work area and the window is moved fully onto it.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rectangle[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height };
  const wanted = saved ?? { ...DEFAULT_SIZE, maximized: false };
  const maximized = wanted.maximized;

  if (wanted.x !== undefined && wanted.y !== undefined) {
    const titleBar = { x: wanted.x, y: wanted.y, width: wanted.width, height: MIN_VISIBLE.height };
    const display = bestOverlap(titleBar, workAreas);
    if (display) {
      const { width, height } = fitSize(wanted, display);
      return {
        x: clamp(wanted.x, display.x, display.x + display.width - width),
        y: clamp(wanted.y, display.y, display.y + display.height - height),
        width,
        height,
        maximized,
      };
    }
  }
  return { ...fitSize(wanted, primary), maximized };
}

/** The work area that shows the most of `rect`, if one shows at least the minimum visible part. */
function bestOverlap(rect: Rectangle, workAreas: readonly Rectangle[]): Rectangle | null {
  let best: Rectangle | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const width = Math.min(rect.x + rect.width, area.x + area.width) - Math.max(rect.x, area.x);
    const height = Math.min(rect.y + rect.height, area.y + area.height) - Math.max(rect.y, area.y);
    if (width < Math.min(MIN_VISIBLE.width, rect.width) || height < Math.min(MIN_VISIBLE.height, rect.height)) continue;
    if (width * height > bestArea) {
      best = area;
      bestArea = width * height;
    }
  }
  return best;
}

function fitSize(size: { width: number; height: number }, area: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(Math.max(size.width, MIN_SIZE.width), area.width),
    height: Math.min(Math.max(size.height, MIN_SIZE.height), area.height),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}

export function readWindowState(file: string): WindowState | null {
  try {
    return parseWindowState(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
    fs.renameSync(temporary, file);
  } catch (error) {
    console.warn(`Fleetdeck: could not save the window state to ${file}: ${(error as Error).message}`);
  }
}

/** Saves the window's normal (restored) bounds and maximized flag as they change, and on close. */
export function trackWindowState(window: BrowserWindow, file: string): Disposable {
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    writeWindowState(file, { ...window.getNormalBounds(), maximized: window.isMaximized() });
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  window.on('resize', later).on('move', later).on('maximize', later).on('unmaximize', later).on('close', save);
  return toDisposable(() => {
    clearTimeout(timer);
    if (window.isDestroyed()) return;
    window.off('resize', later).off('move', later).off('maximize', later).off('unmaximize', later).off('close', save);
  });
}
