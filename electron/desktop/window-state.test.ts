import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, parseWindowState, placeWindow, readWindowState, writeWindowState } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const rightMonitor = { x: 1440, y: -200, width: 2560, height: 1415 };

describe('parseWindowState', () => {
  it('reads what we write', () => {
    expect(parseWindowState('{"x":10,"y":20,"width":1000,"height":700,"maximized":true}')).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it('rounds, and drops a position that is not a pair of numbers', () => {
    expect(parseWindowState('{"x":10.6,"width":999.5,"height":700.2}')).toEqual({ width: 1000, height: 700, maximized: false });
    expect(parseWindowState('{"x":"10","y":5,"width":900,"height":600}')).toEqual({ width: 900, height: 600, maximized: false });
  });

  it('rejects what we did not write', () => {
    for (const text of ['', 'not json', 'null', '[]', '42', '{"width":0,"height":600}', '{"width":800}', '{"width":1e9,"height":600}', '{"width":"800","height":600}']) {
      expect(parseWindowState(text), text).toBeNull();
    }
  });
});

describe('placeWindow', () => {
  it('opens a first window at the default size, centered by Electron', () => {
    expect(placeWindow(null, [laptop])).toEqual({ ...DEFAULT_SIZE, maximized: false });
  });

  it('keeps a saved position that is on a display', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 900, maximized: true };
    expect(placeWindow(saved, [laptop, rightMonitor])).toEqual(saved);
  });

  it('centers on the primary display when the saved display is gone', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 900, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: 1200, height: 875, maximized: false });
  });

  it('centers when only a sliver of the title bar would show', () => {
    const saved = { x: 1400, y: 100, width: 1000, height: 700, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('centers when the title bar is above the display (window dragged up off screen)', () => {
    const saved = { x: 100, y: -500, width: 1000, height: 700, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('moves a window that hangs off the edge fully onto its display', () => {
    const saved = { x: 1000, y: 600, width: 1000, height: 700, maximized: false };
    expect(placeWindow(saved, [laptop])).toEqual({ x: 440, y: 175, width: 1000, height: 700, maximized: false });
  });

  it('shrinks a window larger than its display, and grows one below the minimum', () => {
    expect(placeWindow({ x: 0, y: 0, width: 5000, height: 3000, maximized: false }, [laptop])).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 875,
      maximized: false,
    });
    expect(placeWindow({ width: 100, height: 100, maximized: false }, [laptop])).toEqual({ ...MIN_SIZE, maximized: false });
  });

  it('picks the display that shows most of the title bar', () => {
    const saved = { x: 1300, y: 10, width: 800, height: 600, maximized: false };
    expect(placeWindow(saved, [laptop, rightMonitor])).toMatchObject({ x: 1440, y: 10 });
  });

  it('never exceeds a display smaller than the minimum size', () => {
    const tiny = { x: 0, y: 0, width: 640, height: 400 };
    expect(placeWindow(null, [tiny])).toEqual({ width: 640, height: 400, maximized: false });
  });

  it('copes with no displays at all', () => {
    expect(placeWindow({ x: 5, y: 5, width: 900, height: 600, maximized: false }, [])).toEqual({ width: 900, height: 600, maximized: false });
  });
});

describe('readWindowState / writeWindowState', () => {
  it('round-trips through a file, creating its folder, and reads a missing file as null', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-window-'));
    try {
      const file = path.join(dir, 'nested', 'window-state.json');
      expect(readWindowState(file)).toBeNull();
      writeWindowState(file, { x: 1, y: 2, width: 900, height: 600, maximized: false });
      expect(readWindowState(file)).toEqual({ x: 1, y: 2, width: 900, height: 600, maximized: false });
      expect(fs.readdirSync(path.dirname(file))).toEqual(['window-state.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
