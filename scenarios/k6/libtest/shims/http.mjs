// k6/http — requests go to a responder the test installs (respond(fn)); every request is
// recorded in calls as {method, url, body, params}. A response is {status, body, headers,
// timings}, body a string as k6 gives it.
export const calls = [];
let responder = () => ({ status: 0, body: '', headers: {} });

export function respond(fn) {
  responder = fn;
  calls.length = 0;
}

function request(method, url, body, params) {
  const call = { method, url, body: body === undefined ? null : body, params: params || {} };
  calls.push(call);
  const r = responder(call) || {};
  return { status: r.status || 0, body: r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
    headers: r.headers || {}, timings: r.timings || {} };
}

// expectedStatuses returns a marker the tests can read back (k6 returns an opaque callback).
function expectedStatuses(...statuses) {
  return { expectedStatuses: statuses };
}

const http = {
  request,
  get: (url, params) => request('GET', url, null, params),
  post: (url, body, params) => request('POST', url, body, params),
  batch: (reqs) => reqs.map((r) => request(r.method, r.url, r.body, r.params)),
  expectedStatuses,
};

export default http;
