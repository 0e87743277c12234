/**
 * Hooks: commands run around the lives of the manager (`global.hooks`) and of each instance
 * (`post_start`, `pre_stop` of a process). A hook is written as a command string, an argv list
 * or a mapping with settings; a list of hooks may be shortened to one hook when it is a string
 * or a mapping (a list is always read as a list of hooks, never as one argv).
 */
import { type Static, Type } from '@sinclair/typebox';
import { CommandSchema, PositiveDurationSchema, strict } from './schema-common.ts';

const [CommandStringSchema, CommandListSchema] = CommandSchema.anyOf;

const HookMappingSchema = Type.Object(
  {
    command: CommandSchema,
    timeout: Type.Optional(PositiveDurationSchema),
    retries: Type.Optional(Type.Integer({ minimum: 0 })),
    continue_on_error: Type.Optional(Type.Boolean()),
  },
  strict,
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
  { description: 'a list of hooks (command strings or mappings with `command`)' },
);

export const GlobalHooksSchema = Type.Object(
  {
    pre_start: Type.Optional(HookListSchema),
    post_start: Type.Optional(HookListSchema),
    pre_stop: Type.Optional(HookListSchema),
    post_stop: Type.Optional(HookListSchema),
  },
  strict,
);

export type HookListEntry = Static<typeof HookListSchema>;
export type GlobalHooksEntry = Static<typeof GlobalHooksSchema>;
