import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseListenAddress } from '../../src/api/listeners.ts';
import { isLoopback } from '../../src/api/loopback.ts';
import { formatDiagnostic } from '../../src/desired/diagnostics.ts';
import { parseDesired } from '../../src/desired/load.ts';
import {
  copyInstructions,
  dockerfileInstructions,
  publicGetRoutes,
  readRepoFile,
  repoRoot,
} from '../helpers/deploy-files.ts';

const dir = 'deploy/kubernetes';
// biome-ignore lint/suspicious/noExplicitAny: manifests are read loosely, checked field by field.
type Manifest = Record<string, any>;
const manifest = (file: string): Manifest => parse(readRepoFile(`${dir}/${file}`)) as Manifest;

const kustomization = manifest('kustomization.yaml');
const configMap = manifest('configmap.yaml');
const deployment = manifest('deployment.yaml');
const service = manifest('service.yaml');
const pod = deployment['spec']['template'];
const container = pod['spec']['containers'][0];

/** The container's environment: the image's ENV, then the values the Deployment sets. */
function containerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const instructions = dockerfileInstructions(readRepoFile('Dockerfile'));
  const runtime = instructions.at(-1)!.stage;
  for (const { keyword, args, stage } of instructions) {
    if (keyword !== 'ENV' || stage !== runtime) continue;
    for (const [, key, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) {
      env[key!] = value!.replace(/^"|"$/g, '');
    }
  }
  for (const entry of container['env'] ?? []) {
    if (typeof entry['value'] === 'string') env[entry['name']] = entry['value'];
    // A secret's value is unknown here; any token of the right length stands in for it.
    else if (entry['valueFrom'] !== undefined) env[entry['name']] = 'x'.repeat(32);
  }
  return env;
}

function envValue(name: string): string | undefined {
  return containerEnv()[name];
}

/** The ConfigMap's configuration, parsed as phpeek-pm parses it in the container. */
function configOf() {
  const configPath = envValue('PHPEEK_PM_CONFIG');
  assert.ok(configPath, 'PHPEEK_PM_CONFIG is set');
  const key = posix.basename(configPath);
  const text = configMap['data']?.[key];
  assert.equal(typeof text, 'string', `the ConfigMap has ${key}`);
  const result = parseDesired(text, `${dir}/configmap.yaml#${key}`, containerEnv());
  assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
  return result;
}

function containerPort(port: string | number): number {
  if (typeof port === 'number') return port;
  const named = container['ports'].find((p: Manifest) => p['name'] === port);
  assert.ok(named, `container port ${port} exists`);
  return named['containerPort'];
}

describe('deploy/kubernetes', () => {
  it('the kustomization lists every manifest of the directory', () => {
    const files = readdirSync(join(repoRoot, dir)).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    assert.deepEqual([...kustomization['resources']].sort(), files.sort());
  });

  it('the configuration in the ConfigMap validates in the container environment', () => {
    configOf();
  });

  it('runs the processes of examples/laravel, the application of the image', () => {
    const example = 'examples/laravel/phpeek-pm.yaml';
    const shipped = parseDesired(readRepoFile(example), example, containerEnv());
    assert.ok(shipped.ok, example);
    assert.deepEqual(Object.keys(configOf().processes), Object.keys(shipped.processes));
  });

  it('mounts the ConfigMap as a directory, so that edits reach the running manager', () => {
    const configPath = envValue('PHPEEK_PM_CONFIG')!;
    const volume = pod['spec']['volumes'].find(
      (v: Manifest) => v['configMap']?.['name'] === configMap['metadata']['name'],
    );
    assert.ok(volume, 'a volume of the ConfigMap');
    const mount = container['volumeMounts'].find((m: Manifest) => m['name'] === volume['name']);
    assert.ok(mount, 'the ConfigMap volume is mounted');
    // With subPath, kubelet never updates the file: live reload would silently stop working.
    assert.equal(mount['subPath'], undefined, 'no subPath on the configuration mount');
    assert.equal(dirname(configPath), mount['mountPath']);
  });

  it('probes public routes of the API, on the port the API listens on', async () => {
    const routes = await publicGetRoutes();
    const listen = parseListenAddress(envValue('PHPEEK_PM_API_LISTEN') ?? '127.0.0.1:9180');
    const expected = { livenessProbe: '/livez', readinessProbe: '/readyz' };
    for (const [probe, path] of Object.entries(expected)) {
      const get = container[probe]?.['httpGet'];
      assert.equal(get?.['path'], path, `${probe} on ${path}`);
      assert.ok(routes.has(get['path']), `${get['path']} is a GET route without a token`);
      assert.equal(containerPort(get['port']), listen.port, `${probe} on the API's port`);
    }
    const startup = container['startupProbe']?.['httpGet'];
    if (startup !== undefined) assert.ok(routes.has(startup['path']));
    // The kubelet connects from outside the container: loopback would refuse it.
    assert.equal(isLoopback(listen.host), false, 'the API listens beyond loopback');
    // ...which phpeek-pm allows only with a token.
    assert.ok(envValue('PHPEEK_PM_API_TOKEN'), 'PHPEEK_PM_API_TOKEN is set');
  });

  it('lets the shutdown finish before the kubelet kills the pod', () => {
    const grace = pod['spec']['terminationGracePeriodSeconds'];
    assert.equal(typeof grace, 'number');
    assert.ok(grace * 1000 > configOf().global.shutdownTimeoutMs, 'grace > shutdown_timeout');
  });

  it('runs as a non-root user with requests, limits and a locked-down container', () => {
    const podSecurity = pod['spec']['securityContext'];
    assert.equal(podSecurity['runAsNonRoot'], true);
    assert.notEqual(podSecurity['runAsUser'], 0);
    const security = container['securityContext'];
    assert.equal(security['allowPrivilegeEscalation'], false);
    assert.deepEqual(security['capabilities']['drop'], ['ALL']);
    for (const kind of ['requests', 'limits']) {
      assert.ok(container['resources'][kind]['cpu'], `${kind}.cpu`);
      assert.ok(container['resources'][kind]['memory'], `${kind}.memory`);
    }
  });

  it('mounts a writable volume wherever the manager and the example write', () => {
    if (container['securityContext']['readOnlyRootFilesystem'] !== true) return;
    const mounts: string[] = container['volumeMounts']
      .filter((m: Manifest) => m['readOnly'] !== true)
      .map((m: Manifest) => m['mountPath']);
    const config = configOf();
    const socket = envValue('PHPEEK_PM_API_SOCKET') ?? config.global.api.socket;
    const writable = [
      socket === false ? undefined : dirname(socket),
      // The example's state: its database and nginx's run directory.
      `${config.global.php.workdir}/storage`,
    ];
    for (const path of writable.filter((p) => p !== undefined)) {
      assert.ok(
        mounts.some((m) => path === m || path.startsWith(`${m}/`)),
        `${path} is on a writable volume`,
      );
    }
  });

  it('uses the image built by the Dockerfile and its ports', () => {
    const exposed = dockerfileInstructions(readRepoFile('Dockerfile'))
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/).map(Number));
    for (const port of exposed) {
      assert.ok(
        container['ports'].some((p: Manifest) => p['containerPort'] === port),
        `port ${port} of the image is declared`,
      );
    }
    // The ConfigMap replaces the file the image ships, not the files beside it.
    const shipped = copyInstructions(dockerfileInstructions(readRepoFile('Dockerfile'))).map(
      (c) => c.destination,
    );
    const configDir = dirname(envValue('PHPEEK_PM_CONFIG')!);
    assert.ok(
      !shipped.some((d) => d === configDir || d.startsWith(`${configDir}/`)),
      `${configDir} hides nothing of the image`,
    );
  });

  it('the Service selects the pods and targets ports they declare', () => {
    const labels = pod['metadata']['labels'];
    for (const [key, value] of Object.entries(service['spec']['selector'])) {
      assert.equal(labels[key], value, `pods carry ${key}=${value}`);
    }
    assert.deepEqual(deployment['spec']['selector']['matchLabels'], service['spec']['selector']);
    for (const port of service['spec']['ports']) containerPort(port['targetPort']);
  });
});
