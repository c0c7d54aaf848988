// k6/execution — a mutable stand-in: a test sets scenario.iterationInTest and the names.
const exec = {
  scenario: { name: 'test-scenario', iterationInTest: 0 },
  vu: { idInTest: 1, iterationInScenario: 0 },
};

export default exec;
