import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DependencyGraph,
  dependencyCycles,
  dependencyGraphOfFile,
  dependentsOf,
  topologicalOrder,
} from '../../../src/desired/dependencies.ts';

/** `graph('web>db,cache', 'db', 'cache')`: web depends on db and cache. */
function graph(...specs: string[]): DependencyGraph {
  return Object.fromEntries(
    specs.map((spec) => {
      const [name = '', deps = ''] = spec.split('>');
      const dependsOn = Object.fromEntries(
        deps
          .split(',')
          .filter(Boolean)
          .map((d) => [d, {}]),
      );
      return [name, { enabled: true, dependsOn }];
    }),
  );
}

describe('topologicalOrder', () => {
  const cases: [string, DependencyGraph, string[]][] = [
    ['independent processes come by name', graph('b', 'a', 'c'), ['a', 'b', 'c']],
    ['a dependency comes before its dependent', graph('web>db', 'db'), ['db', 'web']],
    ['a chain comes in order', graph('a>b', 'b>c', 'c'), ['c', 'b', 'a']],
    [
      'a diamond puts the shared dependency first',
      graph('app>db,cache', 'db>net', 'cache>net', 'net'),
      ['net', 'cache', 'db', 'app'],
    ],
    ['an undeclared dependency is ignored', graph('web>nope'), ['web']],
    ['members of a cycle come last, by name', graph('z', 'b>a', 'a>b'), ['z', 'a', 'b']],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.deepEqual(topologicalOrder(input), expected));
  }
});

describe('dependentsOf', () => {
  test('returns the processes that depend on a name, by name', () => {
    assert.deepEqual(dependentsOf(graph('web>db', 'api>db', 'db', 'cron>web'), 'db'), [
      'api',
      'web',
    ]);
  });

  test('a name nothing depends on has no dependents', () => {
    assert.deepEqual(dependentsOf(graph('web>db', 'db'), 'web'), []);
  });
});

describe('dependencyCycles', () => {
  const cases: [string, DependencyGraph, string[][]][] = [
    ['an acyclic graph has no cycles', graph('a>b', 'b'), []],
    ['a self-dependency is a cycle', graph('a>a'), [['a', 'a']]],
    [
      'a cycle starts at its first member by name',
      graph('c>a', 'a>b', 'b>c'),
      [['a', 'b', 'c', 'a']],
    ],
    [
      'two separate cycles are both found',
      graph('a>b', 'b>a', 'x>y', 'y>x'),
      [
        ['a', 'b', 'a'],
        ['x', 'y', 'x'],
      ],
    ],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.deepEqual(dependencyCycles(input), expected));
  }
});

describe('dependencyGraphOfFile', () => {
  test('reads what it can from an invalid file', () => {
    assert.deepEqual(
      dependencyGraphOfFile({
        processes: {
          web: { replicas: 'x', depends_on: ['db', 3] },
          db: { enabled: false, depends_on: { net: {} } },
          broken: 'not a mapping',
        },
      }),
      {
        web: { enabled: true, dependsOn: { db: true } },
        db: { enabled: false, dependsOn: { net: true } },
      },
    );
  });

  test('a file without processes has an empty graph', () => {
    assert.deepEqual(dependencyGraphOfFile(null), {});
  });
});
