import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deadlineViewSchema, lifecycleCommandSchema, lifecycleStateSchema } from '../engine/case-view.schema';
import { TODO_KIND_DEFS, TODO_KINDS } from '../engine/todo/todo-kinds';
import type { TodoService } from '../engine/todo/todo.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';

const kindSchema = z
  .enum(TODO_KINDS)
  .describe(`the work waiting: ${TODO_KINDS.map((k) => `\`${k}\` ${TODO_KIND_DEFS[k].label}`).join(', ')}`)
  .meta({ id: 'TodoKind' });

const todoListSchema = z
  .object({
    counts: z.object(Object.fromEntries(TODO_KINDS.map((k) => [k, z.number().int().min(0)]))).describe('cases per kind of work'),
    labels: z.object(Object.fromEntries(TODO_KINDS.map((k) => [k, z.string()]))).describe('the Chinese name of each kind (待受理 …)'),
    total: z.number().int().min(0).describe('cases waiting on you'),
    items: z.array(
      z.object({
        id: z.uuid(),
        number: z.string().nullable(),
        state: lifecycleStateSchema,
        summary: z.string(),
        petitioner: z.string().describe('the name, as your case view shows it'),
        unit: z
          .object({ unit: divisionCodeSchema, name: z.string().nullable() })
          .describe('the handling body (or the registering unit before one)'),
        kinds: z.array(kindSchema),
        events: z.array(lifecycleCommandSchema).describe('the commands doing that work you may send now'),
        deadline: deadlineViewSchema.nullable().describe('the most urgent live deadline'),
      }),
    ),
    truncated: z.boolean().describe('the open cases in your scope were more than one list looks through'),
  })
  .meta({ id: 'TodoList' });

/** 我的待办: the cases waiting on the caller. */
export function registerTodoRoutes(app: FastifyInstance, deps: { todo: TodoService }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/me/todo',
    {
      schema: {
        operationId: 'getMyTodo',
        tags: [TAGS.petitions.name],
        summary: 'My to-do list (我的待办): the open cases waiting on you, most urgent first, with counts per kind of work',
        description:
          'A case waits on you when the rules of its machine version let you (your role, and your unit’s relation to the case) send a command that does work now: transfer or assign, accept, rule on an objection, approve an extension, mediate, answer, deliver, the closing report, 销号. ' +
          'Sorted by the most urgent live deadline (overdue and red first, then the nearest due time); cases without one last.',
        response: { 200: ok('the to-do list', todoListSchema), ...errors(...COMMON_ERRORS) },
      },
    },
    async (request) => deps.todo.forActor(request.actor),
  );
}
