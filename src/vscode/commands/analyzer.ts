import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { AnalyzerPanel } from '../analyzerPanel';
import { ContactNode } from '../contactsTree';
import { OpportunityNode } from '../pipelinesTree';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';

const ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Issue 19: GHL: Analyze Deal… — from the Pipelines view, a board card, a contact (its deals) or the palette. */
export function analyzerCommands({ context, host, logger }: CommandDeps): Pick<CommandTable, 'ghl.analyzeDeal'> {
  return {
    [COMMANDS.analyzeDeal]: guarded('Analyzing the deal', logger, async (target?: unknown) => {
      let id: string | undefined;
      let name: string | undefined;
      if (target instanceof OpportunityNode) {
        id = target.opportunity.id;
        name = target.opportunity.name;
      } else if (typeof target === 'string' && ID.test(target)) {
        id = target;
        const found = await host.request(EXT_GHL_IPC.OPPS_GET, { id });
        name = found.success ? found.data.name : undefined;
      } else {
        // From a contact (the Contacts view, Search Contacts): that contact's deals only.
        const contact = target instanceof ContactNode ? target.contact : null;
        const open = await host.call(EXT_GHL_IPC.OPPS_LIST, { status: 'open', limit: 500, ...(contact ? { contactId: contact.id } : {}) });
        if (open.items.length === 0) {
          void vscode.window.showInformationMessage(
            contact ? `${contact.name || 'This contact'} has no open deal to analyze.` : 'No open deals in the cache. Run "GHL: Sync Opportunities" first.',
          );
          return;
        }
        const picked = await vscode.window.showQuickPick(
          open.items.map((o) => ({ label: o.name, description: o.contactName ?? '', id: o.id })),
          { title: 'Analyze Deal', placeHolder: 'The deal to value from sold comps', matchOnDescription: true },
        );
        if (!picked) return;
        id = picked.id;
        name = picked.label;
      }
      AnalyzerPanel.show(context.extensionUri, host, logger, id, name);
    }),
  };
}
