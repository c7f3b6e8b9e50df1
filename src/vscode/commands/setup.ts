import * as vscode from 'vscode';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { argOrAsk } from './pickers';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';

type SetupCommands = Pick<CommandTable, 'ghl.setApiToken' | 'ghl.setLocationId' | 'ghl.testConnection' | 'ghl.showLog'>;

/** Connecting a GHL location: the token, the location, a connection test, the log. */
export function setupCommands({ host, logger, state, refreshViews }: CommandDeps): SetupCommands {
  const afterConfigChange = async () => {
    await state.refreshConfiguration();
    refreshViews();
  };
  return {
    // Both setup commands take an optional argument so keybindings and automation can skip the prompt.
    [COMMANDS.setApiToken]: guarded('Setting the API token', logger, async (tokenArg?: unknown) => {
      const token = await argOrAsk(tokenArg, {
        title: 'GoHighLevel API token',
        prompt: "Paste a Private Integration token (Settings → Private Integrations in GHL). It is kept in VS Code's secret storage.",
        password: true,
        placeHolder: 'pit-…',
        validateInput: (value) => (value.trim().length < 8 ? 'The token looks too short.' : undefined),
      });
      if (token === undefined) return;
      const view = await host.call(EXT_GHL_IPC.SETTINGS_SET, { token: token.trim() });
      await afterConfigChange();
      void vscode.window.showInformationMessage(`GHL API token saved (${view.token}).`);
      if (!view.locationId && tokenArg === undefined) void vscode.commands.executeCommand(COMMANDS.setLocationId);
    }),
    [COMMANDS.setLocationId]: guarded('Setting the location', logger, async (locationArg?: unknown) => {
      const current = (await host.call(EXT_GHL_IPC.SETTINGS_GET, {})).locationId ?? '';
      const locationId = await argOrAsk(locationArg, {
        title: 'GoHighLevel location ID',
        prompt: 'The sub-account (location) id, as in app.gohighlevel.com/v2/location/<id>/…',
        value: current,
        validateInput: (value) => (/^[A-Za-z0-9_-]{3,64}$/.test(value.trim()) ? undefined : 'Letters, digits, - and _ only.'),
      });
      if (locationId === undefined) return;
      await host.call(EXT_GHL_IPC.SETTINGS_SET, { locationId: locationId.trim() });
      await afterConfigChange();
      if (state.configured && locationArg === undefined) {
        const choice = await vscode.window.showInformationMessage('GHL location set.', 'Test Connection', 'Sync Now');
        if (choice === 'Test Connection') void vscode.commands.executeCommand(COMMANDS.testConnection);
        else if (choice === 'Sync Now') void vscode.commands.executeCommand(COMMANDS.syncAll);
      }
    }),
    [COMMANDS.testConnection]: guarded('Connection test', logger, async () => {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Testing GHL connection…' }, () =>
        host.call(EXT_GHL_IPC.CONNECTION_TEST, {}),
      );
      void vscode.window.showInformationMessage(`Connected to GoHighLevel location "${result.locationName}" (${result.locationId}).`);
    }),
    [COMMANDS.showLog]: () => logger.show(),
  };
}
