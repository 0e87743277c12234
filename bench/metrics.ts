/**
 * Cost of one scrape: `metrics.render()` of a manager with 500 instances (test/unit/metrics/
 * fleet.ts: 200 with three probes, 250 without, 49 with one, one scheduled run), every counter
 * and histogram holding some series.
 *
 *   node --import tsx bench/metrics.ts [--runs 50]
 *
 * Before each timed render the observed snapshot is replaced by an equal copy, as after any
 * event, so that the per-scrape computation of the state gauges is included (renders of an
 * unchanged snapshot reuse it). Variants: with the Node.js process metrics of prom-client (the
 * default) and without them, to tell the two costs apart. Five untimed renders warm up each.
 * Nothing here asserts: these are numbers for people to read.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { fleetMetrics } from '../test/unit/metrics/fleet.ts';
import { summarize } from './lib/stats.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '50' } } });
const runs = Number(args.runs);

async function measure(processMetrics: boolean) {
  const { metrics, touch } = fleetMetrics({ processMetrics });
  for (let i = 0; i < 5; i++) {
    touch();
    await metrics.render();
  }
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < runs; i++) {
    touch();
    const start = performance.now();
    text = await metrics.render();
    times.push(performance.now() - start);
  }
  const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  return { times: summarize(times), bytes: Buffer.byteLength(text), samples };
}

const ms = (n: number) => n.toFixed(2);
console.log(`render() of 500 instances, ${runs} runs, Node ${process.version}`);
console.log('| variant | median ms | p90 ms | min–max ms | samples | bytes |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, processMetrics] of [
  ['with process metrics', true],
  ['state and event metrics only', false],
] as const) {
  const { times, bytes, samples } = await measure(processMetrics);
  console.log(
    `| ${name} | ${ms(times.median)} | ${ms(times.p90)} | ${ms(times.min)}–${ms(times.max)} | ${samples} | ${bytes} |`,
  );
}
