// Reads the JSON reports of one or more jest runs (`--json --outputFile`) and prints
// `<passed> <failed>` on stdout. With `--failures FILE`, also writes the full name of every failed
// test (or of every test file that failed to load), one per line, for scripts/ci-soak to count.
//
//   node scripts/lib/jest-report.cjs [--failures FILE] report.json...
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
let failuresFile;
const reports = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--failures') {
    failuresFile = args[++i];
  } else {
    reports.push(args[i]);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of reports) {
  if (!fs.existsSync(file)) {
    continue;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  // A suite that fails to load has no test results; count it as one failure.
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  // Pending (skipped) tests are neither: report them so that nobody mistakes them for passes.
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    const where = path.relative(process.cwd(), suite.name);
    const failedTests = suite.assertionResults.filter(
      t => t.status === 'failed',
    );
    for (const test of failedTests) {
      failures.push(`${where} › ${test.fullName}`);
    }
    if (suite.status === 'failed' && failedTests.length === 0) {
      failures.push(`${where} › (the file failed to run)`);
    }
  }
}

if (skipped > 0) {
  console.error(`[supacontrol] ${skipped} tests were skipped`);
}
if (failuresFile) {
  fs.appendFileSync(failuresFile, failures.map(f => `${f}\n`).join(''));
}
process.stdout.write(`${passed} ${failed}`);
