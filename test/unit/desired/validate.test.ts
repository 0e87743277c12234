import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runValidate, type ValidateReport } from '../../../src/cli/validate.ts';
import { loadDesiredFile } from '../../../src/desired/load.ts';

const VALID = `version: 1
global:
  shutdown_timeout: 30s
processes:
  migrate:
    command: php artisan migrate --force
    restart: never
  app:
    command: ["php-fpm", "-F"]
    replicas: \${FPM_REPLICAS:-2}
    depends_on: [migrate]
  worker:
    command: ["php", "artisan", "queue:work"]
    replicas: 3
    depends_on: { migrate: { condition: process_started } }
  cron:
    command: supercronic /etc/crontab
    enabled: false
`;

const INVALID = `processes:
  app:
    command: ["php-fpm", "-F"]
    replica: 2
  worker:
    command: php artisan queue:work
    replicas: three
    depends_on: [app, migrate]
`;

let dir = '';
const file = (name: string) => join(dir, name);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phpeek-pm-validate-'));
  await writeFile(file('valid.yaml'), VALID);
  await writeFile(file('invalid.yaml'), INVALID);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    writers: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

describe('loadDesiredFile', () => {
  test('a valid file loads with its processes', async () => {
    const result = await loadDesiredFile(file('valid.yaml'), { FPM_REPLICAS: '4' });
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.processes), ['migrate', 'app', 'worker', 'cron']);
    assert.equal(result.processes['app']?.replicas, 4);
    assert.equal(result.global.shutdownTimeoutMs, 30_000);
  });

  test('an invalid file reports its diagnostics under its path', async () => {
    const result = await loadDesiredFile(file('invalid.yaml'), {});
    assert.ok(!result.ok);
    assert.ok(result.diagnostics.every((d) => d.file === file('invalid.yaml')));
  });

  const unreadable: [string, string, RegExp][] = [
    [
      'a missing file is a CONFIG_READ diagnostic',
      'missing.yaml',
      /^cannot read .*missing\.yaml: no such file$/,
    ],
    ['a directory is a CONFIG_READ diagnostic', '.', /it is a directory$/],
  ];
  for (const [name, path, message] of unreadable) {
    test(name, async () => {
      const result = await loadDesiredFile(file(path), {});
      assert.ok(!result.ok);
      assert.equal(result.diagnostics.length, 1);
      assert.equal(result.diagnostics[0]?.code, 'CONFIG_READ');
      assert.match(result.diagnostics[0]?.message ?? '', message);
    });
  }
});

describe('runValidate', () => {
  test('a valid file exits 0 and counts processes and instances', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('valid.yaml'), json: false }, {}, writers);
    assert.equal(code, 0);
    assert.equal(
      out.stdout,
      `${file('valid.yaml')}: valid (4 processes (1 disabled), 6 instances)\n`,
    );
    assert.equal(out.stderr, '');
  });

  test('an invalid file exits 1 with one line per problem and a count', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('invalid.yaml'), json: false }, {}, writers);
    assert.equal(code, 1);
    const name = file('invalid.yaml');
    assert.deepEqual(out.stdout.split('\n'), [
      `${name}:4:5 processes.app.replica: unknown key \`replica\`; did you mean \`replicas\`?`,
      `${name}:7:5 processes.worker.replicas: expected an integer >= 0, found "three"`,
      `${name}:8:23 processes.worker.depends_on.migrate: depends on "migrate", which is not declared`,
      `${name}: invalid, 3 problems`,
      '',
    ]);
  });

  test('--json reports a valid file', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('valid.yaml'), json: true }, {}, writers);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out.stdout), {
      valid: true,
      file: file('valid.yaml'),
      diagnostics: [],
    });
  });

  test('--json reports every diagnostic with its position', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('invalid.yaml'), json: true }, {}, writers);
    assert.equal(code, 1);
    const report = JSON.parse(out.stdout) as ValidateReport;
    assert.equal(report.valid, false);
    assert.deepEqual(report.diagnostics[1], {
      code: 'CONFIG_SCHEMA',
      file: file('invalid.yaml'),
      path: 'processes.worker.replicas',
      line: 7,
      column: 5,
      message: 'expected an integer >= 0, found "three"',
    });
  });

  test('PHPEEK_PM_CONFIG names the file when -c is absent', async () => {
    const { out, writers } = capture();
    const code = await runValidate(
      { json: false },
      { PHPEEK_PM_CONFIG: file('valid.yaml') },
      writers,
    );
    assert.equal(code, 0);
    assert.match(out.stdout, /valid/);
  });

  test('no file exits 2 and says where it looked', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('nope.yaml'), json: false }, {}, writers);
    assert.equal(code, 2);
    assert.equal(out.stdout, '');
    assert.match(out.stderr, /no configuration file found \(looked in: .*nope\.yaml\)/);
  });

  test('no file with --json exits 2 with a CONFIG_NOT_FOUND diagnostic', async () => {
    const { out, writers } = capture();
    const code = await runValidate({ config: file('nope.yaml'), json: true }, {}, writers);
    assert.equal(code, 2);
    const report = JSON.parse(out.stdout) as ValidateReport;
    assert.equal(report.valid, false);
    assert.equal(report.file, null);
    assert.equal(report.diagnostics[0]?.code, 'CONFIG_NOT_FOUND');
  });
});
