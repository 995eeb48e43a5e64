/**
 * WCAG 2 contrast of the text a page shows, measured in the browser from computed styles: each
 * element's colour against the background actually behind it (ancestors' backgrounds composited,
 * alpha included). Used by the e2e journeys to check every theme (issue 15 item 8).
 */
import type { Frame } from 'playwright-core';

export interface ContrastSample {
  /** The element, as `tag.class "text…"`. */
  readonly what: string;
  readonly ratio: number;
  readonly color: string;
  readonly background: string;
}

/**
 * Measures every visible element matching `selector` that has text of its own (disabled controls
 * are exempt in WCAG, and skipped). Runs in the page.
 */
export function measureContrast(frame: Frame, selector: string, pseudo?: '::before'): Promise<ContrastSample[]> {
  return frame.evaluate(
    ([sel, pseudoElement]) => {
      type Rgba = [number, number, number, number];
      const parse = (text: string): Rgba => {
        // color-mix() computes to color(srgb r g b / a) with channels 0..1.
        const srgb = text.match(/color\(srgb ([^)]+)\)/);
        if (srgb) {
          const parts = srgb[1].split(/[ /]+/).filter(Boolean).map(Number);
          return [parts[0] * 255, parts[1] * 255, parts[2] * 255, parts.length > 3 ? parts[3] : 1];
        }
        const m = text.match(/rgba?\(([^)]+)\)/);
        if (!m) return [0, 0, 0, 0];
        const parts = m[1]
          .split(/[ ,/]+/)
          .filter(Boolean)
          .map(Number);
        return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
      };
      const over = (top: Rgba, bottom: Rgba): Rgba => {
        const a = top[3] + bottom[3] * (1 - top[3]);
        if (a === 0) return [0, 0, 0, 0];
        const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
        return [mix(0), mix(1), mix(2), a];
      };
      const luminance = ([r, g, b]: Rgba) => {
        const lin = (c: number) => {
          const s = c / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
      };
      const backgroundOf = (el: Element): Rgba => {
        const layers: Rgba[] = [];
        for (let node: Element | null = el; node; node = node.parentElement) {
          const bg = parse(getComputedStyle(node).backgroundColor);
          if (bg[3] > 0) layers.push(bg);
          if (bg[3] >= 1) break;
        }
        let result: Rgba = [255, 255, 255, 1];
        for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
        return result;
      };
      const out: Array<{ what: string; ratio: number; color: string; background: string }> = [];
      for (const el of Array.from(document.querySelectorAll(sel))) {
        // A pseudo-element's text is its `content` ("none" or a quoted string).
        const content = pseudoElement ? getComputedStyle(el, pseudoElement).content : '';
        const own = pseudoElement
          ? content === 'none' || content === 'normal'
            ? ''
            : content.replace(/^["']|["']$/g, '').trim()
          : Array.from(el.childNodes)
              .filter((n) => n.nodeType === Node.TEXT_NODE)
              .map((n) => n.textContent ?? '')
              .join('')
              .trim();
        if (!own) continue;
        const style = pseudoElement ? getComputedStyle(el, pseudoElement) : getComputedStyle(el);
        const box = (el as HTMLElement).getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
        if ((el as HTMLButtonElement).disabled) continue;
        const background = backgroundOf(el);
        const color = over(parse(style.color), background);
        const [l1, l2] = [luminance(color), luminance(background)].sort((a, b) => b - a);
        const ratio = (l1 + 0.05) / (l2 + 0.05);
        out.push({
          what: `${el.tagName.toLowerCase()}.${(el as HTMLElement).className} "${own.slice(0, 30)}"`,
          ratio: Math.round(ratio * 100) / 100,
          color: style.color,
          background: `rgb(${background.slice(0, 3).map(Math.round).join(', ')})`,
        });
      }
      return out;
    },
    [selector, pseudo] as const,
  );
}
