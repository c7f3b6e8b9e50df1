import * as vscode from 'vscode';

/** #18: the scheme of the Calendar rows' resourceUri: the appointment's id and whether it is over. */
export const APPOINTMENT_SCHEME = 'ghl-appointment';

export function appointmentUri(eventId: string, past: boolean): vscode.Uri {
  return vscode.Uri.from({ scheme: APPOINTMENT_SCHEME, path: `/${eventId}`, query: past ? 'past=1' : '' });
}

/** Today's appointments that are over, dimmed: the label takes the theme's disabled color. */
export class PastAppointmentDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== APPOINTMENT_SCHEME || uri.query !== 'past=1') return undefined;
    return new vscode.FileDecoration(undefined, 'Over', new vscode.ThemeColor('disabledForeground'));
  }
}
