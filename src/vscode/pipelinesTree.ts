import { money } from '../format';
import * as vscode from 'vscode';
import type { Opportunity, OpportunityStatus, Pipeline, PipelineStage } from '../protocol/entities';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { BackendHost } from './backendHost';
import { Disposable } from './lifecycle';

/** Cards listed under one stage before the tree points to the board instead. */
const STAGE_ITEM_CAP = 200;
const OPPS_PAGE = 500;


export class PipelineNode {
  constructor(readonly pipeline: Pipeline) {}
}
export class StageNode {
  constructor(
    readonly pipeline: Pipeline,
    readonly stage: PipelineStage,
    readonly opportunities: Opportunity[],
  ) {}
}
export class OpportunityNode {
  constructor(
    readonly opportunity: Opportunity,
    readonly pipeline: Pipeline,
  ) {}
}
export class MoreNode {
  constructor(
    readonly pipeline: Pipeline,
    readonly hidden: number,
  ) {}
}
type Node = PipelineNode | StageNode | OpportunityNode | MoreNode;

const STATUS_ICONS: Record<OpportunityStatus, vscode.ThemeIcon> = {
  open: new vscode.ThemeIcon('circle-large-outline'),
  won: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  lost: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  abandoned: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

/** The Pipelines view: pipelines → stages (count, total value) → opportunities. */
export class PipelinesTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this._register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly byPipeline = new Map<string, Promise<Opportunity[]>>();

  constructor(
    private readonly host: BackendHost,
    private readonly onCount: (pipelines: number) => void,
  ) {
    super();
  }

  refresh(): void {
    this.byPipeline.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node instanceof PipelineNode) {
      const item = new vscode.TreeItem(node.pipeline.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `pipeline:${node.pipeline.id}`;
      item.iconPath = new vscode.ThemeIcon('project');
      item.contextValue = 'pipeline';
      item.description = `${node.pipeline.stages.length} stages`;
      return item;
    }
    if (node instanceof StageNode) {
      const total = node.opportunities.reduce((sum, o) => sum + o.monetaryValue, 0);
      const item = new vscode.TreeItem(
        node.stage.name,
        node.opportunities.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `stage:${node.pipeline.id}:${node.stage.id}`;
      item.description = `${node.opportunities.length} · ${money.format(total)}`;
      item.iconPath = new vscode.ThemeIcon('list-flat');
      item.contextValue = 'stage';
      return item;
    }
    if (node instanceof MoreNode) {
      const item = new vscode.TreeItem(`${node.hidden} more — open the board`);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'ghl.openBoard', title: 'Open Board', arguments: [new PipelineNode(node.pipeline)] };
      return item;
    }
    const o = node.opportunity;
    const item = new vscode.TreeItem(o.name, vscode.TreeItemCollapsibleState.None);
    item.id = `opportunity:${o.id}`;
    item.description = [money.format(o.monetaryValue), o.contactName].filter(Boolean).join(' · ');
    item.iconPath = STATUS_ICONS[o.status];
    item.contextValue = 'opportunity';
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(o.name);
    md.appendMarkdown(`**\n\nStatus: ${o.status}  \nValue: ${money.format(o.monetaryValue)}  \n`);
    if (o.contactName) {
      md.appendMarkdown('Contact: ');
      md.appendText(o.contactName);
    }
    item.tooltip = md;
    return item;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const response = await this.host.request(EXT_GHL_IPC.PIPELINES_LIST, {});
      const pipelines = response.success ? response.data.items : [];
      this.onCount(pipelines.length);
      return pipelines.map((p) => new PipelineNode(p));
    }
    if (node instanceof PipelineNode) {
      const opportunities = await this.opportunitiesOf(node.pipeline.id);
      const byStage = new Map<string, Opportunity[]>();
      for (const o of opportunities) {
        const list = byStage.get(o.pipelineStageId) ?? [];
        list.push(o);
        byStage.set(o.pipelineStageId, list);
      }
      return node.pipeline.stages.map((s) => new StageNode(node.pipeline, s, byStage.get(s.id) ?? []));
    }
    if (node instanceof StageNode) {
      const shown = node.opportunities.slice(0, STAGE_ITEM_CAP).map((o) => new OpportunityNode(o, node.pipeline));
      const hidden = node.opportunities.length - shown.length;
      return hidden > 0 ? [...shown, new MoreNode(node.pipeline, hidden)] : shown;
    }
    return [];
  }

  getParent(): undefined {
    return undefined;
  }

  private opportunitiesOf(pipelineId: string): Promise<Opportunity[]> {
    let pending = this.byPipeline.get(pipelineId);
    if (!pending) {
      pending = this.loadAll(pipelineId);
      this.byPipeline.set(pipelineId, pending);
    }
    return pending;
  }

  private async loadAll(pipelineId: string): Promise<Opportunity[]> {
    const all: Opportunity[] = [];
    for (let offset = 0; ; offset += OPPS_PAGE) {
      const response = await this.host.request(EXT_GHL_IPC.OPPS_LIST, { pipelineId, limit: OPPS_PAGE, offset });
      if (!response.success) break;
      const { items, total } = response.data;
      all.push(...items);
      if (items.length < OPPS_PAGE || all.length >= total) break;
    }
    return all;
  }

}
