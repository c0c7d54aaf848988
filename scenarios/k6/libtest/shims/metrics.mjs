// k6/metrics — every metric records its points ({value, tags}) so a test can read them.
class Metric {
  constructor(name, isTime) {
    this.name = name;
    this.isTime = !!isTime;
    this.points = [];
  }
  add(value, tags) {
    this.points.push({ value: Number(value), tags: { ...(tags || {}) } });
  }
  reset() {
    this.points.length = 0;
  }
}

export class Counter extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
export class Gauge extends Metric {}
