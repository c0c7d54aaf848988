// register.mjs — loaded with `node --import` before every test file: installs the module
// hooks and the globals of k6's init context that the library uses (__ENV, open).
import { register } from 'node:module';
import { readFileSync } from 'node:fs';

register('./hooks.mjs', import.meta.url);

// __ENV starts as a copy of the process environment, as k6 fills it from the environment and
// -e flags; a test file sets its EIDSIM_* variables before it imports the library.
globalThis.__ENV = { ...process.env };
globalThis.open = (path) => readFileSync(path, 'utf8');
