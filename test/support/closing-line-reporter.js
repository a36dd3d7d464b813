/**
 * Ends the run with the plain closing line CI tools read ("N passed, N failed", alone on its line): jest's
 * own summary ("Tests: 1 todo, 1518 passed, 1519 total") is not in a form they recognise, so a
 * green run would otherwise count as one that executed no test.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads reporters as CommonJS */
const fs = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    // .ci/run repeats it as its own last line, after the benches.
    if (process.env.TEST_CLOSING_LINE_FILE)
      fs.writeFileSync(process.env.TEST_CLOSING_LINE_FILE, `${line}\n`);
  }
}

module.exports = ClosingLineReporter;
