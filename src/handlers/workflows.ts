import { readWorkflows } from '../ghl/followUpRecords';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type WorkflowChannels = typeof C.WORKFLOWS_LIST | typeof C.CONTACTS_WORKFLOW;

/** #17: the location's workflows and a contact's membership in one (live; GHL keeps no list of a contact's workflows we could cache). */
export function workflowHandlers(ctx: HandlerContext): Pick<HandlerTable, WorkflowChannels> {
  return {
    async [C.WORKFLOWS_LIST]() {
      const locationId = requireLocationId(ctx);
      const items = readWorkflows((await (await ctx.api()).getWorkflows(locationId)).workflows);
      return { items, total: items.length };
    },
    async [C.CONTACTS_WORKFLOW]({ id, workflowId, action }) {
      requireLocationId(ctx);
      const api = await ctx.api();
      if (action === 'add') await api.addContactToWorkflow(id, workflowId);
      else await api.removeContactFromWorkflow(id, workflowId);
      return { id, workflowId, action };
    },
  };
}
