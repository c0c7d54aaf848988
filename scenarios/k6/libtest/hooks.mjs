// hooks.mjs — module hooks that let Node load the k6 library (../lib/*.js) unchanged: the
// k6 built-in modules resolve to the recording shims in ./shims/, and the library's .js files
// load as ES modules (k6 reads them so; Node would take a bare .js file for CommonJS).
const shims = {
  k6: 'k6.mjs',
  'k6/http': 'http.mjs',
  'k6/metrics': 'metrics.mjs',
  'k6/data': 'data.mjs',
  'k6/execution': 'execution.mjs',
};

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(shims, specifier)) {
    return { url: new URL(`./shims/${shims[specifier]}`, import.meta.url).href, shortCircuit: true };
  }
  if (specifier.startsWith('k6')) throw new Error(`k6 module ${specifier} has no shim in scenarios/k6/libtest/shims`);
  return next(specifier, context);
}

const lib = new URL('../lib/', import.meta.url).href;

export async function load(url, context, next) {
  const path = url.split(/[?#]/)[0];
  if (path.startsWith(lib) && path.endsWith('.js')) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
