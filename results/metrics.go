package results

// The names of the k6 metrics the harness reads, each declared once for Go. The harness's
// own metrics (eidsim_*) are declared for JavaScript in scenarios/k6/lib/metrics.js, and a
// test keeps the two lists equal.

// k6's built-in metrics.
const (
	MetricHTTPReqDuration   = "http_req_duration"  // Trend, ms, tagged with the flow's step
	MetricHTTPReqs          = "http_reqs"          // Counter
	MetricHTTPReqFailed     = "http_req_failed"    // Rate
	MetricIterations        = "iterations"         // Counter
	MetricDroppedIterations = "dropped_iterations" // Counter: iterations k6 could not start for want of a VU
	MetricVUs               = "vus"                // Gauge
	MetricChecks            = "checks"             // Rate
)

// OwnMetricPrefix starts the name of every metric the harness's scripts define.
const OwnMetricPrefix = "eidsim_"

// The harness's own metrics (scenarios/k6/lib/metrics.js).
const (
	MetricOutcomes          = "eidsim_outcomes"            // Counter{flow, result, cause, segment tags}
	MetricFlowOK            = "eidsim_flow_ok"             // Rate: the flow ended as the contract says
	MetricCitizenReused     = "eidsim_citizen_reused"      // Counter: a citizen drawn again
	MetricBoundLoginRebound = "eidsim_bound_login_rebound" // Counter
	MetricAttackReq         = "eidsim_attack_req"          // Trend{vector, role, status, code, ra, truth}, one per request
	MetricAttackTry         = "eidsim_attack_try"          // Counter{vector, result}
	MetricAttackTarget      = "eidsim_attack_target"       // Counter{vector, result}
	MetricEnumObs           = "eidsim_enum_obs"            // Counter{vector, truth, sig}
	MetricAttackServer      = "eidsim_attack_server"       // Trend{gauge}: the service's /metrics figures
)
