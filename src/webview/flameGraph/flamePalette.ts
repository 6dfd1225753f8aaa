/**
 * Box colours from the theme: each frame kind takes a VS Code chart colour (python: orange, native: blue,
 * builtin: purple, import: green; perf's kernel: red, jit: yellow), in a few shades so that neighbours stay apart, and dimmed variants for
 * frames that do not match a search. Re-read when the theme changes (VS Code swaps the body class).
 */
import type { FrameKind } from '../../core/profileModel';

export const KINDS: readonly FrameKind[] = ['python', 'native', 'builtin', 'import', 'kernel', 'jit'];
export const SHADES = 4;
/** Diff colours of a compared run: levels −DIFF_STEPS (blue, shrank) … 0 (neutral) … +DIFF_STEPS (red, grew). */
export const DIFF_STEPS = 4;
const KIND_SLOTS = KINDS.length * SHADES;
/** Slots [0, BASE_SLOTS) are full colours (kinds, then diff levels), [BASE_SLOTS, 2 * BASE_SLOTS) their dimmed versions. */
export const BASE_SLOTS = KIND_SLOTS + 2 * DIFF_STEPS + 1;
export const SLOT_COUNT = 2 * BASE_SLOTS;

export interface Palette {
  readonly fills: readonly string[];
  readonly texts: readonly string[];
  readonly background: string;
  /** Text outside boxes, and the selected box's outline. */
  readonly foreground: string;
  readonly selection: string;
  /** Drawn around every box in high-contrast themes; null otherwise. */
  readonly contrastBorder: string | null;
  readonly font: string;
  readonly dark: boolean;
}

type Rgb = [number, number, number];

const FALLBACK: Record<FrameKind, { dark: string; light: string; variable: string }> = {
  python: { dark: '#d18616', light: '#d18616', variable: '--vscode-charts-orange' },
  native: { dark: '#3794ff', light: '#1a85ff', variable: '--vscode-charts-blue' },
  builtin: { dark: '#b180d7', light: '#652d90', variable: '--vscode-charts-purple' },
  import: { dark: '#89d185', light: '#388a34', variable: '--vscode-charts-green' },
  // perf's mixed stacks: the kernel (system calls, page faults) and generated code perf could not name.
  kernel: { dark: '#f14c4c', light: '#e51400', variable: '--vscode-charts-red' },
  jit: { dark: '#cca700', light: '#bf8803', variable: '--vscode-charts-yellow' },
};

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour → rgb, via the canvas's own parser; null when it is not a colour. */
function parseColor(css: string): Rgb | null {
  if (!css.trim()) return null;
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return null;
  probe.fillStyle = '#010203';
  probe.fillStyle = css.trim();
  const v = String(probe.fillStyle);
  if (v === '#010203' && css.trim().toLowerCase() !== '#010203') return null;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(v);
  return rgba ? [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])] : null;
}

const toCss = ([r, g, b]: Rgb) => `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const BLACK: Rgb = [20, 20, 20];
const WHITE: Rgb = [255, 255, 255];
const textOn = (fill: Rgb): Rgb => (contrast(fill, BLACK) >= contrast(fill, WHITE) ? BLACK : WHITE);

export function readPalette(root: HTMLElement = document.body): Palette {
  const style = getComputedStyle(root);
  const variable = (name: string) => style.getPropertyValue(name);
  const background = parseColor(variable('--vscode-editor-background')) ?? parseColor(style.backgroundColor) ?? [30, 30, 30];
  const dark = root.classList.contains('vscode-light') ? false : root.classList.contains('vscode-dark') ? true : luminance(background) < 0.4;
  const foreground = parseColor(variable('--vscode-foreground')) ?? (dark ? [204, 204, 204] : [51, 51, 51]);
  const highContrast = root.classList.contains('vscode-high-contrast') || root.classList.contains('vscode-high-contrast-light');
  const fills: string[] = new Array(SLOT_COUNT);
  const texts: string[] = new Array(SLOT_COUNT);
  KINDS.forEach((kind, k) => {
    const base = parseColor(variable(FALLBACK[kind].variable)) ?? parseColor(dark ? FALLBACK[kind].dark : FALLBACK[kind].light)!;
    for (let s = 0; s < SHADES; s++) {
      // Shades step towards the background (dark themes) or towards white (light), keeping the hue.
      const shade = mix(base, dark ? background : WHITE, dark ? s * 0.12 : s * 0.14);
      const slot = k * SHADES + s;
      fills[slot] = toCss(shade);
      texts[slot] = toCss(textOn(shade));
      const dimmed = mix(shade, background, 0.78);
      fills[BASE_SLOTS + slot] = toCss(dimmed);
      texts[BASE_SLOTS + slot] = toCss(mix(foreground, background, 0.45));
    }
  });
  // Diff levels: the theme's red and blue, from faint (small change) to full (±100% or more); grey for none.
  const red = parseColor(variable('--vscode-charts-red')) ?? [241, 76, 76];
  const blue = parseColor(variable('--vscode-charts-blue')) ?? (dark ? [55, 148, 255] : [26, 133, 255]);
  const neutral = mix(foreground, background, 0.7);
  for (let level = -DIFF_STEPS; level <= DIFF_STEPS; level++) {
    const slot = KIND_SLOTS + level + DIFF_STEPS;
    const fill = level === 0 ? neutral : mix(neutral, level > 0 ? red : blue, 0.35 + 0.65 * (Math.abs(level) / DIFF_STEPS));
    fills[slot] = toCss(fill);
    texts[slot] = toCss(textOn(fill));
    fills[BASE_SLOTS + slot] = toCss(mix(fill, background, 0.78));
    texts[BASE_SLOTS + slot] = toCss(mix(foreground, background, 0.45));
  }
  const family = variable('--vscode-font-family').trim() || 'system-ui, sans-serif';
  return {
    fills, texts, dark, font: `12px ${family}`,
    background: toCss(background), foreground: toCss(foreground),
    selection: toCss(parseColor(variable('--vscode-focusBorder')) ?? (dark ? [0, 127, 212] : [0, 144, 241])),
    contrastBorder: highContrast ? toCss(parseColor(variable('--vscode-contrastBorder')) ?? foreground) : null,
  };
}

/** A frame's full-colour slot: its kind, and a shade picked by its name so that the same function keeps its colour. */
export function frameSlot(kind: FrameKind, name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const k = Math.max(0, KINDS.indexOf(kind));
  return k * SHADES + ((h >>> 0) % SHADES);
}

/** The slot of a compared frame: its function's relative change (−1..1) in DIFF_STEPS steps each way. */
export function diffSlot(change: number): number {
  const level = change === 0 || !Number.isFinite(change) ? 0
    : Math.sign(change) * Math.max(1, Math.min(DIFF_STEPS, Math.ceil(Math.abs(change) * DIFF_STEPS - 1e-9)));
  return KIND_SLOTS + level + DIFF_STEPS;
}
