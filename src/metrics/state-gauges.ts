/**
 * Gauges computed at scrape time from the desired and observed snapshots: nothing is kept in
 * step by hand, so a forgotten instance or a removed process has no series at the next scrape.
 */
import { Gauge, type Registry } from 'prom-client';
import type { DesiredState, ProbeKind } from '../desired/types.ts';
import type { ObservedState } from '../observed/types.ts';
import { desiredReplicas } from '../reconciler/instance-ids.ts';
import { isReady } from '../reconciler/outcome.ts';
import { exitCodeValue } from './categories.ts';

export interface StateSource {
  desired(): DesiredState;
  observed(): ObservedState;
}

const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];
const PROBE_STATES = ['unknown', 'success', 'failure'] as const;

type Labels = Record<string, string>;
interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** Every sample of every state gauge, keyed by metric name without the prefix. */
type StateSamples = Readonly<Record<StateGaugeName, readonly Sample[]>>;

type StateGaugeName = (typeof GAUGES)[number]['name'];

const GAUGES = [
  {
    name: 'process_info',
    help: 'Always 1; `type` is longrun, oneshot or scheduled (a oneshot with a schedule).',
    labels: ['process', 'type'],
  },
  {
    name: 'process_enabled',
    help: 'Whether the process is enabled (1) or disabled (0) in the desired state.',
    labels: ['process'],
  },
  {
    name: 'process_desired_replicas',
    help: 'Instances the manager keeps: replicas when enabled, 0 when disabled or shutting down. Absent for scheduled processes.',
    labels: ['process'],
  },
  {
    name: 'process_running_replicas',
    help: 'Instances that are running (have a pid and no stop signal yet), including old ones kept during a rolling replacement.',
    labels: ['process'],
  },
  {
    name: 'process_ready_replicas',
    help: 'Instances running under the current spec whose startup and readiness probes (if any) have passed.',
    labels: ['process'],
  },
  {
    name: 'instance_up',
    help: 'Whether the instance is running (1) or starting, stopping or exited (0).',
    labels: ['process', 'instance_id'],
  },
  {
    name: 'instance_start_time_seconds',
    help: 'Start of the current or last run of the instance, seconds since the Unix epoch.',
    labels: ['process', 'instance_id'],
  },
  {
    name: 'instance_restarts',
    help: 'Restarts of the instance since the manager started; back to 0 when a spec change replaces it.',
    labels: ['process', 'instance_id'],
  },
  {
    name: 'instance_last_exit_code',
    help: 'Exit code of the last run; 128+n for a death by signal n, 127 (126) when the command could not be started.',
    labels: ['process', 'instance_id'],
  },
  {
    name: 'probe_status',
    help: 'Thresholded probe state of the current run: 1 for the state it is in, 0 for the two others.',
    labels: ['process', 'instance_id', 'probe', 'state'],
  },
] as const;

/**
 * The samples of every state gauge for one pair of snapshots. Snapshots are immutable, so the
 * result is kept until either changes: one scrape computes it once for all the gauges.
 */
function stateSamples(desired: DesiredState, observed: ObservedState): StateSamples {
  const out: Record<StateGaugeName, Sample[]> = {
    process_info: [],
    process_enabled: [],
    process_desired_replicas: [],
    process_running_replicas: [],
    process_ready_replicas: [],
    instance_up: [],
    instance_start_time_seconds: [],
    instance_restarts: [],
    instance_last_exit_code: [],
    probe_status: [],
  };
  const running = new Map<string, number>();
  const ready = new Map<string, number>();
  for (const instance of Object.values(observed.instances)) {
    const { process } = instance;
    const spec = desired.processes[process];
    const labels = { process, instance_id: instance.id };
    const up = instance.phase === 'running';
    if (up) running.set(process, (running.get(process) ?? 0) + 1);
    if (spec !== undefined && isReady(instance, spec))
      ready.set(process, (ready.get(process) ?? 0) + 1);
    out.instance_up.push({ labels, value: up ? 1 : 0 });
    if (instance.startedAt !== undefined)
      out.instance_start_time_seconds.push({ labels, value: instance.startedAt / 1000 });
    out.instance_restarts.push({ labels, value: instance.restarts });
    if (instance.lastExit !== undefined)
      out.instance_last_exit_code.push({ labels, value: exitCodeValue(instance.lastExit) });
    // Probe states belong to the current run: none while the instance does not run.
    if (!up || spec === undefined) continue;
    for (const probe of PROBE_KINDS) {
      if (spec.probes[probe] === undefined) continue;
      const current = instance.probes[probe]?.state ?? 'unknown';
      for (const state of PROBE_STATES) {
        out.probe_status.push({
          labels: { process, instance_id: instance.id, probe, state },
          value: state === current ? 1 : 0,
        });
      }
    }
  }
  for (const spec of Object.values(desired.processes)) {
    const process = spec.name;
    const labels = { process };
    const scheduled = spec.schedule !== undefined;
    out.process_info.push({
      labels: { process, type: scheduled ? 'scheduled' : spec.type },
      value: 1,
    });
    out.process_enabled.push({ labels, value: spec.enabled ? 1 : 0 });
    if (!scheduled) {
      const wanted = desired.shutdown === undefined ? desiredReplicas(spec) : 0;
      out.process_desired_replicas.push({ labels, value: wanted });
    }
    out.process_running_replicas.push({ labels, value: running.get(process) ?? 0 });
    out.process_ready_replicas.push({ labels, value: ready.get(process) ?? 0 });
  }
  return out;
}

/** Registers the state gauges; each reads the snapshots when the registry is scraped. */
export function registerStateGauges(registry: Registry, prefix: string, source: StateSource): void {
  let cache: { desired: DesiredState; observed: ObservedState; samples: StateSamples } | undefined;
  const current = (): StateSamples => {
    const desired = source.desired();
    const observed = source.observed();
    if (cache?.desired !== desired || cache.observed !== observed) {
      cache = { desired, observed, samples: stateSamples(desired, observed) };
    }
    return cache.samples;
  };
  for (const gauge of GAUGES) {
    new Gauge({
      name: `${prefix}${gauge.name}`,
      help: gauge.help,
      labelNames: gauge.labels,
      registers: [registry],
      collect() {
        this.reset();
        for (const sample of current()[gauge.name]) this.set(sample.labels, sample.value);
      },
    });
  }
}
