// k6/data — a SharedArray is the array its function returns, frozen as k6 makes it read-only.
export const opened = [];

export class SharedArray {
  constructor(name, fn) {
    opened.push(name);
    return Object.freeze(fn());
  }
}
