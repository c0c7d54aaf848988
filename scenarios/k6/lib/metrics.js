// metrics.js — the name of every k6 metric the scripts define or set a threshold on, declared
// once for JavaScript. eidsim reads the same names from results/metrics.go; a Go test
// (scenarios/load/metrics_test.go) keeps the two lists equal.
export const METRIC = {
  // The harness's own metrics.
  outcomes: 'eidsim_outcomes',
  flowOK: 'eidsim_flow_ok',
  citizenReused: 'eidsim_citizen_reused',
  boundLoginRebound: 'eidsim_bound_login_rebound',
  attackReq: 'eidsim_attack_req',
  attackTry: 'eidsim_attack_try',
  attackTarget: 'eidsim_attack_target',
  enumObs: 'eidsim_enum_obs',
  attackServer: 'eidsim_attack_server',
  // k6's built-in metrics the library's thresholds name (every script also sets `checks`).
  httpReqDuration: 'http_req_duration',
  httpReqFailed: 'http_req_failed',
  droppedIterations: 'dropped_iterations',
};
