/**
 * The exposition of a 500-instance manager passes Prometheus' own checker: `promtool check
 * metrics` parses the text format and lints names, types, suffixes and help texts. promtool
 * comes from Debian's `prometheus` package (.ci/run installs it); without it the test skips.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { series } from '../unit/metrics/exposition.ts';
import { fleetMetrics } from '../unit/metrics/fleet.ts';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const missing =
  promtool.error === undefined
    ? false
    : 'promtool not found: install it with `apt-get install prometheus` (Debian) to run this test';

describe('promtool check metrics', () => {
  it('accepts the exposition of 500 instances, the process metrics included', {
    skip: missing,
  }, async () => {
    const text = await fleetMetrics().metrics.render();
    assert.equal(Object.keys(series(text, 'phpeek_pm_instance_up')).length, 500);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(
      check.status,
      0,
      `promtool check metrics exited ${check.status}:\n${check.stdout}${check.stderr}`,
    );
  });

  it('is a real check: it rejects a counter without _total', { skip: missing }, () => {
    const text = '# HELP phpeek_pm_bad A counter.\n# TYPE phpeek_pm_bad counter\nphpeek_pm_bad 1\n';
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.notEqual(check.status, 0);
  });
});
