import * as vscode from 'vscode';

/** The "GoHighLevel" log: levels from VS Code's LogOutputChannel, a component tag per line. */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('GoHighLevel', { log: true });
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, component = 'ext'): void {
    const line = message.startsWith('[') ? message : `[${component}] ${message}`;
    switch (level) {
      case 'debug':
        this.channel.debug(line);
        break;
      case 'info':
        this.channel.info(line);
        break;
      case 'warn':
        this.channel.warn(line);
        break;
      case 'error':
        this.channel.error(line);
        break;
    }
  }

  info(message: string, component?: string): void {
    this.log('info', message, component);
  }

  warn(message: string, component?: string): void {
    this.log('warn', message, component);
  }

  error(message: string, component?: string): void {
    this.log('error', message, component);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
