import { count, md, money } from '../format';
import { call } from './channelClient';
import type { ToolCallRecord } from './history';
import { errorText } from './toolSet';
import { formatSpan, todayWindow, zonesNote } from '../time/dayWindows';
import { formatDueDate } from '../time/datePhrase';
import { contactLabel, daysSinceChange, findOpportunities, pipelineSummary } from './tools/crmQueries';
import type { ToolContext, ToolRef } from './tools/types';
import { dayClock, displayZones } from './tools/zones';
import { taskScopePayload } from './tools/followUpTools';

/** Answers that need no model: read from the cache (the calendar live), rendered as Markdown with CRM text escaped. */

export const SLASH_COMMANDS = [
  { name: 'find', args: '<text>', description: 'Find contacts by name, email, phone or company' },
  { name: 'deals', args: '[stage]', description: 'Open deals per stage, or the open deals in one stage' },
  { name: 'stale', args: '[days]', description: 'Open deals with no change for 14 days (or the days given)' },
  { name: 'today', args: '', description: "Today's appointments" },
  { name: 'help', args: '', description: 'These commands' },
  // #17
  { name: 'tasks', args: '[today|overdue]', description: 'Open tasks, overdue first; or only those due today, or only the overdue ones' },
] as const;

export type SlashCommandName = (typeof SLASH_COMMANDS)[number]['name'];

const ROWS = 25;
const DEFAULT_STALE_DAYS = 14;

export interface SlashCommand {
  name: string;
  arg: string;
}

export interface SlashAnswer {
  reply: string;
  toolCalls: ToolCallRecord[];
  refs: ToolRef[];
}

/** `/deals Offer Made` → { name: 'deals', arg: 'Offer Made' }; anything not starting with `/` → null. */
export function parseSlashCommand(message: string): SlashCommand | null {
  const match = /^\/([a-z][\w-]*)(?:\s+([\s\S]*))?$/i.exec(message.trim());
  return match ? { name: match[1]!.toLowerCase(), arg: (match[2] ?? '').trim() } : null;
}

export function helpText(intro = ''): string {
  const lines = SLASH_COMMANDS.map((c) => `- \`/${c.name}${c.args ? ` ${c.args}` : ''}\` — ${c.description}`);
  return `${intro ? `${intro}\n\n` : ''}These work without a chat model:\n\n${lines.join('\n')}`;
}

/** What the chat says when no model is there to answer a plain message. */
export function noModelReply(reason?: string): string {
  return (
    `${reason ?? 'No chat model is available in VS Code right now.'} ` +
    'To chat about your CRM, install and sign in to an extension that provides a chat model (for example GitHub Copilot), ' +
    'then pick it with "GHL: Choose Chat Model". Your message was not sent anywhere.\n\n' +
    helpText()
  );
}

export async function runSlashCommand(command: SlashCommand, ctx: ToolContext): Promise<SlashAnswer> {
  const toolCalls: ToolCallRecord[] = [];
  const record = (summary: string, ok = true) => toolCalls.push({ tool: `/${command.name}`, input: { arg: command.arg }, ok, summary });
  try {
    switch (command.name) {
      case 'find':
        return await find(command.arg, ctx, record, toolCalls);
      case 'deals':
        return await deals(command.arg, ctx, record, toolCalls);
      case 'stale':
        return await stale(command.arg, ctx, record, toolCalls);
      case 'today':
        return await today(ctx, record, toolCalls);
      case 'help':
        return { reply: helpText(), toolCalls, refs: [] };
      case 'tasks':
        return await tasks(command.arg, ctx, record, toolCalls);
      default:
        return { reply: helpText(`There is no /${md(command.name)} command.`), toolCalls, refs: [] };
    }
  } catch (err) {
    record(`/${command.name} failed: ${errorText(err)}`, false);
    return { reply: `/${command.name} failed: ${md(errorText(err))}`, toolCalls, refs: [] };
  }
}

type Record_ = (summary: string, ok?: boolean) => void;

const more = (total: number, shown: number, hint: string) => (total > shown ? `\n\n…and ${count.format(total - shown)} more — ${hint}.` : '');

async function find(text: string, { client }: ToolContext, record: Record_, toolCalls: ToolCallRecord[]): Promise<SlashAnswer> {
  if (!text) return { reply: 'Usage: `/find <text>` — part of a name, email, phone or company.', toolCalls, refs: [] };
  const page = await call(client, 'ext-ghl:contacts-list', { query: text.slice(0, 200), limit: ROWS });
  record(`Searched contacts for "${text.slice(0, 80)}" — ${count.format(page.total)} found`);
  if (page.total === 0) return { reply: `No contact matches "${md(text)}".`, toolCalls, refs: [] };
  const lines = page.items.map((c) => `- **${md(contactLabel(c))}**${[c.email, c.phone, c.companyName].filter(Boolean).map((v) => ` · ${md(v)}`).join('')}`);
  return {
    reply: `${count.format(page.total)} contact${page.total === 1 ? '' : 's'} matching "${md(text)}":\n\n${lines.join('\n')}${more(page.total, page.items.length, 'narrow the search')}`,
    toolCalls,
    refs: page.items.map((c) => ({ kind: 'contact', id: c.id, label: contactLabel(c) })),
  };
}

async function deals(stage: string, ctx: ToolContext, record: Record_, toolCalls: ToolCallRecord[]): Promise<SlashAnswer> {
  const { client } = ctx;
  if (!stage) {
    const pipelines = await pipelineSummary(client, { status: 'open' });
    const total = pipelines.reduce((n, p) => n + p.count, 0);
    record(`Summarised ${pipelines.length} pipeline${pipelines.length === 1 ? '' : 's'} — ${count.format(total)} open deals`);
    if (pipelines.length === 0) return { reply: 'No pipelines are cached yet. Run "GHL: Sync All".', toolCalls, refs: [] };
    const blocks = pipelines.map(
      (p) =>
        `**${md(p.pipeline)}** — ${count.format(p.count)} open · ${money.format(p.value)}\n\n` +
        p.stages.map((s) => `- ${md(s.stage)}: ${count.format(s.count)} · ${money.format(s.value)}`).join('\n'),
    );
    return { reply: `${blocks.join('\n\n')}\n\n\`/deals <stage>\` lists the deals of one stage.`, toolCalls, refs: [] };
  }
  const { items, total, totalValue: value, names } = await findOpportunities(client, { stage, status: 'open', sort: 'value' }, await dayClock(ctx), ROWS);
  record(`Listed open opportunities in "${stage.slice(0, 40)}" — ${count.format(total)} found`);
  if (total === 0) return { reply: `No open deals in a stage matching "${md(stage)}".`, toolCalls, refs: [] };
  const shown = items.slice(0, ROWS);
  const lines = shown.map((o) => `- **${md(o.name)}** · ${money.format(o.monetaryValue)} · ${md(names.stage(o.pipelineId, o.pipelineStageId))}${o.contactName ? ` · ${md(o.contactName)}` : ''}`);
  return {
    reply: `${count.format(total)} open deal${total === 1 ? '' : 's'} in "${md(stage)}" (${money.format(value)}):\n\n${lines.join('\n')}${more(total, shown.length, 'the largest are shown')}`,
    toolCalls,
    refs: shown.map((o) => ({ kind: 'opportunity', id: o.id, label: o.name })),
  };
}

async function stale(arg: string, ctx: ToolContext, record: Record_, toolCalls: ToolCallRecord[]): Promise<SlashAnswer> {
  const days = arg ? Number(arg) : DEFAULT_STALE_DAYS;
  if (!Number.isInteger(days) || days < 0 || days > 3650) return { reply: 'Usage: `/stale [days]` — a whole number of days, 14 when left out.', toolCalls, refs: [] };
  const clock = await dayClock(ctx);
  const { items, total, names } = await findOpportunities(ctx.client, { status: 'open', staleDays: days, sort: 'stale' }, clock, ROWS);
  record(`Listed open opportunities unchanged ${days}+ days — ${count.format(total)} found`);
  if (total === 0) return { reply: `No open deal has gone ${days} days without a change.`, toolCalls, refs: [] };
  const shown = items.slice(0, ROWS);
  const lines = shown.map(
    (o) => `- **${md(o.name)}** · ${daysSinceChange(o, clock) ?? '?'} days · ${md(names.pipeline(o.pipelineId))} / ${md(names.stage(o.pipelineId, o.pipelineStageId))} · ${money.format(o.monetaryValue)}`,
  );
  return {
    reply: `${count.format(total)} open deal${total === 1 ? '' : 's'} with no change for ${days}+ days, oldest first:\n\n${lines.join('\n')}${more(total, shown.length, 'the oldest are shown')}`,
    toolCalls,
    refs: shown.map((o) => ({ kind: 'opportunity', id: o.id, label: o.name })),
  };
}

/** The location's calendar day, its times on the location's clock with the reader's beside them when the zones differ. */
async function today(ctx: ToolContext, record: Record_, toolCalls: ToolCallRecord[]): Promise<SlashAnswer> {
  const { client } = ctx;
  const zones = await displayZones(ctx);
  // #18: the agenda: every calendar merged, with contact and calendar names.
  const window = todayWindow(ctx.now(), zones.location);
  const events = await call(client, 'ext-ghl:cal-agenda', { from: window.startTime, to: window.endTime });
  record(`Read today's calendar — ${count.format(events.items.length)} event${events.items.length === 1 ? '' : 's'}`);
  if (events.items.length === 0) return { reply: 'Nothing on the calendar today.', toolCalls, refs: [] };
  const shown = events.items.slice(0, ROWS);
  const lines = shown.map((e) => {
    const span = formatSpan(Date.parse(e.startTime), Date.parse(e.endTime), zones);
    const extra = [e.contactName, e.calendarName, e.appointmentStatus, e.address].filter(Boolean).map((v) => md(String(v)));
    return `- ${span} **${md(e.title ?? 'Appointment')}**${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
  });
  return { reply: `Today's appointments (${count.format(events.items.length)}). ${zonesNote(zones)}\n\n${lines.join('\n')}${more(events.items.length, shown.length, 'see "GHL: Show Calendar"')}`, toolCalls, refs: [] };
}

/** #17: `/tasks`, `/tasks today`, `/tasks overdue` from the cache; "today" is the location's calendar day. */
async function tasks(arg: string, ctx: ToolContext, record: Record_, toolCalls: ToolCallRecord[]): Promise<SlashAnswer> {
  const scope = arg.toLowerCase();
  if (scope !== '' && scope !== 'today' && scope !== 'overdue') return { reply: 'Usage: `/tasks [today|overdue]`.', toolCalls, refs: [] };
  const zones = await displayZones(ctx);
  const now = ctx.now();
  const page = await call(ctx.client, 'ext-ghl:tasks-list', { ...taskScopePayload(scope === '' ? 'open' : scope, now, zones.location), limit: ROWS });
  const what = scope === '' ? 'open tasks' : scope === 'today' ? 'tasks due today' : 'overdue tasks';
  record(`Listed ${what} — ${count.format(page.total)}`);
  if (page.total === 0) return { reply: `No ${what}.${scope === '' ? ' Run "GHL: Sync All" if you expected some.' : ''}`, toolCalls, refs: [] };
  const lines = page.items.map((t) => {
    const due = t.dueDate === null ? null : Date.parse(t.dueDate);
    const when = due === null ? 'no date' : `${due < now ? '**overdue** ' : ''}${formatDueDate(due, zones)}`;
    return `- ${when} **${md(t.title)}**${t.contactName ? ` · ${md(t.contactName)}` : ''}`;
  });
  const refs = [...new Map(page.items.map((t) => [t.contactId, { kind: 'contact' as const, id: t.contactId, label: t.contactName ?? t.contactId }])).values()];
  return {
    reply: `${count.format(page.total)} ${what}. ${zonesNote(zones)}\n\n${lines.join('\n')}${more(page.total, page.items.length, 'see the Tasks view')}`,
    toolCalls,
    refs,
  };
}
