import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { OPPORTUNITY_STATUSES } from '../../protocol/entities';
import { RequestFailed } from '../backendHost';
import { BoardPanel } from '../boardPanel';
import { OpportunityNode, PipelineNode, StageNode } from '../pipelinesTree';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';
import { ask, pickContactFromCache, pickOpportunity } from './pickers';

type OpportunityCommands = Pick<CommandTable, 'ghl.newOpportunity' | 'ghl.setOpportunityStatus' | 'ghl.moveOpportunityStage' | 'ghl.openBoard'>;

/** Creating and moving opportunities, and the board. */
export function opportunityCommands({ context, host, logger }: CommandDeps): OpportunityCommands {
  return {
    [COMMANDS.newOpportunity]: guarded('Creating the opportunity', logger, async (node?: unknown) => {
      const pipelineList = (await host.call(EXT_GHL_IPC.PIPELINES_LIST, {})).items;
      if (pipelineList.length === 0) {
        void vscode.window.showWarningMessage('No pipelines cached yet. Run GHL: Sync Opportunities first.');
        return;
      }
      const pipeline =
        node instanceof PipelineNode || node instanceof StageNode
          ? node.pipeline
          : (await vscode.window.showQuickPick(pipelineList.map((p) => ({ label: p.name, pipeline: p })), { placeHolder: 'Pipeline' }))?.pipeline;
      if (!pipeline) return;
      const stage =
        node instanceof StageNode
          ? node.stage
          : (await vscode.window.showQuickPick(pipeline.stages.map((s) => ({ label: s.name, stage: s })), { placeHolder: 'Stage' }))?.stage;
      if (!stage) return;
      const name = await ask('Opportunity name', 'New opportunity', (v) => (v.trim() ? undefined : 'A name is required.'));
      if (!name) return;
      const contact = await pickContactFromCache(host, 'Contact for this opportunity');
      if (!contact) return;
      const value = await ask('Value in USD (optional)', 'New opportunity', (v) => (v && !(Number(v) >= 0) ? 'A number, please.' : undefined));
      if (value === undefined) return;
      await host.call(EXT_GHL_IPC.OPPS_CREATE, {
        opportunity: { name: name.trim(), pipelineId: pipeline.id, pipelineStageId: stage.id, contactId: contact.id, ...(value ? { monetaryValue: Number(value) } : {}) },
      });
    }),
    [COMMANDS.setOpportunityStatus]: guarded('Changing the status', logger, async (node?: unknown, statusArg?: unknown) => {
      const target = await pickOpportunity(host, node);
      if (!target) return;
      const given = OPPORTUNITY_STATUSES.find((s) => s === statusArg);
      if (statusArg !== undefined && !given) {
        throw new RequestFailed({ code: 'VALIDATION', message: `"${String(statusArg)}" is not a status; use ${OPPORTUNITY_STATUSES.join(', ')}.` });
      }
      const status =
        given ??
        (
          await vscode.window.showQuickPick(
            OPPORTUNITY_STATUSES.map((s) => ({ label: s, description: s === target.opportunity.status ? 'current' : undefined, status: s })),
            { placeHolder: `Status of ${target.opportunity.name}` },
          )
        )?.status;
      if (!status || status === target.opportunity.status) return;
      await host.call(EXT_GHL_IPC.OPPS_UPDATE_STATUS, { id: target.opportunity.id, status });
    }),
    [COMMANDS.moveOpportunityStage]: guarded('Moving the opportunity', logger, async (node?: unknown, stageIdArg?: unknown) => {
      const target = await pickOpportunity(host, node);
      if (!target?.pipeline) return;
      const stageId =
        (typeof stageIdArg === 'string' ? stageIdArg : undefined) ??
        (
          await vscode.window.showQuickPick(
            target.pipeline.stages.filter((s) => s.id !== target.opportunity.pipelineStageId).map((s) => ({ label: s.name, id: s.id })),
            { placeHolder: `Move ${target.opportunity.name} to…` },
          )
        )?.id;
      if (!stageId) return;
      await host.call(EXT_GHL_IPC.OPPS_UPDATE, { id: target.opportunity.id, data: { pipelineStageId: stageId } });
    }),
    [COMMANDS.openBoard]: (target?: unknown) => {
      const pipelineId =
        target instanceof PipelineNode || target instanceof StageNode || target instanceof OpportunityNode
          ? target.pipeline.id
          : typeof target === 'string'
            ? target
            : undefined;
      BoardPanel.show(context.extensionUri, host, logger, pipelineId);
    },
  };
}
