// The staff app's chart axis (inbox-ui/src/ui/chart-scale.ts): whole-number ticks for counts.
import { describe, expect, it } from "vitest";
import { axisScale } from "../inbox-ui/src/ui/chart-scale";

describe("chart y-axis", () => {
  it("never shows fractional ticks for whole-number data", () => {
    expect(axisScale([0, 1, 1, 0])).toEqual({ max: 1, ticks: [0, 1] });
    expect(axisScale([2, 3])).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(axisScale([4])).toEqual({ max: 4, ticks: [0, 1, 2, 3, 4] });
    expect(axisScale([5])).toEqual({ max: 6, ticks: [0, 2, 4, 6] });
    expect(axisScale([7, 1])).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(axisScale([9])).toEqual({ max: 10, ticks: [0, 5, 10] });
    expect(axisScale([23])).toEqual({ max: 30, ticks: [0, 10, 20, 30] });
    expect(axisScale([130])).toEqual({ max: 150, ticks: [0, 50, 100, 150] });
    expect(axisScale([1840])).toEqual({ max: 2000, ticks: [0, 500, 1000, 1500, 2000] });
    for (let top = 1; top <= 500; top++) {
      const { max, ticks } = axisScale([0, top]);
      expect(ticks.every(Number.isInteger), String(top)).toBe(true);
      expect(max, String(top)).toBeGreaterThanOrEqual(top);
      expect(ticks.length, String(top)).toBeGreaterThanOrEqual(2);
      expect(ticks.length, String(top)).toBeLessThanOrEqual(5);
      const step = ticks[1]! - ticks[0]!;
      expect(ticks.every((t, i) => t === i * step), String(top)).toBe(true);
      expect(String(step), String(top)).toMatch(/^[125]0*$/);
    }
  });

  it("allows fractional steps only for fractional data, without rounding noise", () => {
    expect(axisScale([0.3, 0.1])).toEqual({ max: 0.3, ticks: [0, 0.1, 0.2, 0.3] });
    expect(axisScale([0.5])).toEqual({ max: 0.6, ticks: [0, 0.2, 0.4, 0.6] });
    expect(axisScale([2.5])).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(axisScale([0.07])).toEqual({ max: 0.08, ticks: [0, 0.02, 0.04, 0.06, 0.08] });
  });

  it("has a sensible axis for empty, all-zero and odd data", () => {
    expect(axisScale([])).toEqual({ max: 1, ticks: [0, 1] });
    expect(axisScale([0, 0, 0])).toEqual({ max: 1, ticks: [0, 1] });
    expect(axisScale([-3, 2])).toEqual({ max: 2, ticks: [0, 1, 2] });
    expect(axisScale([Number.NaN, 3])).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
  });
});
