import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveCredentials } from '../../../src/executors/users.ts';

const etc = mkdtempSync(join(tmpdir(), 'phpeek-etc-'));
writeFileSync(
  join(etc, 'passwd'),
  'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n',
);
writeFileSync(join(etc, 'group'), 'root:x:0:\nwww-data:x:33:\nstaff:x:50:\n');

describe('resolveCredentials', () => {
  const cases: [string, string | undefined, string | undefined, object][] = [
    ['nothing given: inherit ours', undefined, undefined, {}],
    ['a user name gives its uid and primary group', 'www-data', undefined, { uid: 33, gid: 33 }],
    ['a numeric user not in passwd is used as is', '1234', undefined, { uid: 1234 }],
    ['a numeric user in passwd gets its primary group', '33', undefined, { uid: 33, gid: 33 }],
    ['a group overrides the primary group', 'www-data', 'staff', { uid: 33, gid: 50 }],
    ['a numeric group alone', undefined, '99', { gid: 99 }],
  ];
  for (const [name, user, group, expected] of cases) {
    it(name, () => assert.deepEqual(resolveCredentials(user, group, etc), expected));
  }

  it('an unknown user name is a clear error', () => {
    assert.throws(
      () => resolveCredentials('nobody-here', undefined, etc),
      /unknown user "nobody-here"/,
    );
  });

  it('an unknown group name is a clear error', () => {
    assert.throws(
      () => resolveCredentials(undefined, 'nogroup-here', etc),
      /unknown group "nogroup-here"/,
    );
  });
});
