/**
 * Hooks: commands run around the lives of the manager (`global.hooks`) and of each instance
 * (`post_start`, `pre_stop` of a process). A hook is written as a command string, an argv list
 * or a mapping with settings; a list of hooks may be shortened to one hook when it is a string
 * or a mapping (a list is always read as a list of hooks, never as one argv).
 */
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_HOOK } from './normalize.ts';
import { CommandSchema, PositiveDurationSchema, strict } from './schema-common.ts';
import { documented, durationDefault, valueDefault } from './schema-doc.ts';

const [CommandStringSchema, CommandListSchema] = CommandSchema.anyOf;

const HookMappingSchema = Type.Object(
  {
    command: documented(CommandSchema, {
      doc: 'A string runs under `/bin/sh -c`; a list is executed as is.',
    }),
    timeout: Type.Optional(
      documented(PositiveDurationSchema, {
        doc: 'A hook that runs longer is killed with its process group and has failed.',
        defaultText: durationDefault(() => DEFAULT_HOOK.timeoutMs),
      }),
    ),
    retries: Type.Optional(
      documented(Type.Integer({ minimum: 0 }), {
        doc: 'How many more times a failing hook is run, after a short pause.',
        defaultText: valueDefault(() => DEFAULT_HOOK.retries),
      }),
    ),
    continue_on_error: Type.Optional(
      documented(Type.Boolean(), {
        doc: 'Whether a hook that still fails lets the next ones run (with a warning) instead of ending the list as failed.',
        defaultText: valueDefault(() => DEFAULT_HOOK.continueOnError),
      }),
    ),
  },
  { ...strict, doc: 'A hook with settings; as a plain string or list it takes the defaults.' },
);

/** One item of a hook list. */
const HookSchema = Type.Union([CommandStringSchema, CommandListSchema, HookMappingSchema], {
  description: 'a command string, a list of arguments or a mapping with `command`',
});

export const HookListSchema = Type.Union(
  [
    Type.Array(HookSchema, { description: 'a list of hooks' }),
    CommandStringSchema,
    HookMappingSchema,
  ],
  {
    description: 'a list of hooks (command strings or mappings with `command`)',
    docType: 'hooks',
  },
);

export const GlobalHooksSchema = Type.Object(
  {
    pre_start: Type.Optional(
      documented(HookListSchema, {
        doc: 'Before any process starts. A failure stops start-up: the manager exits 1.',
      }),
    ),
    post_start: Type.Optional(
      documented(HookListSchema, {
        doc: 'Once, when every enabled long-running process has all its replicas started (not necessarily ready). A failure is logged.',
      }),
    ),
    pre_stop: Type.Optional(
      documented(HookListSchema, {
        doc: 'When a shutdown begins, before any process is stopped, within `shutdown_timeout`. A failure is logged and the shutdown goes on.',
      }),
    ),
    post_stop: Type.Optional(
      documented(HookListSchema, {
        doc: 'After every process has stopped, before the manager exits.',
      }),
    ),
  },
  strict,
);

export type HookListEntry = Static<typeof HookListSchema>;
export type GlobalHooksEntry = Static<typeof GlobalHooksSchema>;
