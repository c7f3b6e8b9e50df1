import { count, md, money } from '../format';
import type { Contact, Opportunity, Pipeline, Task } from '../protocol/entities';
import type { AgendaEvent } from '../protocol/responses';
import { formatSpan, formatTime, zonesNote, type DisplayZones } from '../time/dayWindows';

/** Everything the daily briefing shows, gathered by the backend from the cache and GHL. */
export interface BriefingInput {
  now: Date;
  /** When the previous briefing ran; null for the first one (then: the last 24 hours). */
  since: Date | null;
  newContacts: { total: number; newest: Contact[] };
  pipelines: Array<{ pipeline: Pipeline; stages: Array<{ stageId: string; count: number; totalValue: number }> }>;
  openOpportunities: { count: number; totalValue: number; biggest: Opportunity[] };
  /** Open deals priced above the MAO of their ARV estimate; absent or `estimated: 0` hides the section. */
  aboveMao?: { estimated: number; count: number; deals: Array<{ opportunity: Opportunity; arv: number; mao: number }> };
  events: AgendaEvent[];
  /** Set when today's events could not be read (offline, no token): the rest still shows. */
  eventsError?: string;
  locationName?: string;
  /** #17: open tasks overdue and due later today (each a page and its total); absent: the section is left out. */
  tasks?: { overdue: { items: Task[]; total: number }; today: { items: Task[]; total: number } };
}

/** The briefing as Markdown; the day and every time on the location's clock (`zones.location`), the reader's beside them when it differs. */
export function buildDailyBriefing(input: BriefingInput, zones: DisplayZones): string {
  const out: string[] = [];
  const day = input.now.toLocaleDateString('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: zones.location });
  out.push(`# Daily briefing — ${day}`);
  if (input.locationName) out.push('', `Location: **${md(input.locationName)}**`);
  out.push('', `_${zonesNote(zones)}_`);

  out.push('', "## Today's appointments", '');
  if (input.eventsError) out.push(`_Could not load today's calendar: ${md(input.eventsError)}_`);
  else if (input.events.length === 0) out.push('No appointments today.');
  else {
    out.push('| Time | Appointment | Status |', '| --- | --- | --- |');
    for (const e of input.events) {
      const who = e.contactName ? ` — ${md(e.contactName)}` : '';
      out.push(`| ${formatSpan(Date.parse(e.startTime), Date.parse(e.endTime), zones)} | ${md(e.title ?? '(untitled)')}${who} | ${md(e.appointmentStatus ?? '')} |`);
    }
  }

  if (input.tasks) out.push(...taskSection(input.tasks, zones));

  const since = input.since
    ? `since ${input.since.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: zones.location })}, ${formatTime(input.since.getTime(), zones)}`
    : 'in the last 24 hours';
  out.push('', `## New contacts ${since}`, '');
  if (input.newContacts.total === 0) out.push('No new contacts.');
  else {
    out.push(`**${count.format(input.newContacts.total)}** new contact${input.newContacts.total === 1 ? '' : 's'}.`, '');
    for (const c of input.newContacts.newest) {
      const name = c.name || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '(no name)';
      out.push(`- ${md(name)}${c.email ? ` — ${md(c.email)}` : c.phone ? ` — ${md(c.phone)}` : ''}`);
    }
    if (input.newContacts.total > input.newContacts.newest.length) {
      out.push(`- …and ${count.format(input.newContacts.total - input.newContacts.newest.length)} more`);
    }
  }

  out.push('', '## Open opportunities', '');
  out.push(`**${count.format(input.openOpportunities.count)}** open, worth **${money.format(input.openOpportunities.totalValue)}**.`);
  for (const { pipeline, stages } of input.pipelines) {
    const byId = new Map(stages.map((s) => [s.stageId, s]));
    out.push('', `### ${md(pipeline.name)}`, '', '| Stage | Open | Value |', '| --- | ---: | ---: |');
    for (const stage of pipeline.stages) {
      const s = byId.get(stage.id);
      out.push(`| ${md(stage.name)} | ${count.format(s?.count ?? 0)} | ${money.format(s?.totalValue ?? 0)} |`);
    }
  }
  if (input.openOpportunities.biggest.length > 0) {
    out.push('', '### Largest open deals', '');
    for (const o of input.openOpportunities.biggest) {
      out.push(`- ${md(o.name)} — ${money.format(o.monetaryValue)}${o.contactName ? ` (${md(o.contactName)})` : ''}`);
    }
  }
  if (input.aboveMao && input.aboveMao.estimated > 0) {
    const { count: above, estimated, deals } = input.aboveMao;
    out.push('', '## Open deals above their MAO', '');
    if (above === 0) out.push(`None of the ${count.format(estimated)} open deals with an ARV estimate is valued above its MAO.`);
    else {
      out.push(`**${count.format(above)}** of ${count.format(estimated)} estimated open deals are valued above their maximum allowable offer.`, '');
      out.push('| Deal | Value | MAO | ARV |', '| --- | ---: | ---: | ---: |');
      for (const d of deals) {
        out.push(`| ${md(d.opportunity.name)} | ${money.format(d.opportunity.monetaryValue)} | ${money.format(d.mao)} | ${money.format(d.arv)} |`);
      }
      if (above > deals.length) out.push('', `…and ${count.format(above - deals.length)} more.`);
    }
  }
  out.push('', '---', `_Generated from the local cache at ${formatTime(input.now.getTime(), zones)}. Run "GHL: Sync All" for the latest data._`, '');
  return out.join('\n');
}

/** #17: overdue tasks (longest overdue first) and those still due today, on the location's clock. */
function taskSection(tasks: NonNullable<BriefingInput['tasks']>, zones: DisplayZones): string[] {
  const out = ['', '## Tasks', ''];
  const row = (t: Task) => {
    const due = t.dueDate === null ? '' : `${new Date(t.dueDate).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: zones.location })}, ${formatTime(Date.parse(t.dueDate), zones)}`;
    return `- ${md(t.title)}${t.contactName ? ` — ${md(t.contactName)}` : ''}${due ? ` (${due})` : ''}`;
  };
  const list = (title: string, page: { items: Task[]; total: number }, none: string) => {
    out.push(`**${title}: ${count.format(page.total)}**`, '');
    if (page.total === 0) out.push(none);
    for (const t of page.items) out.push(row(t));
    if (page.total > page.items.length) out.push(`- …and ${count.format(page.total - page.items.length)} more`);
    out.push('');
  };
  list('Overdue', tasks.overdue, 'Nothing overdue.');
  list('Due later today', tasks.today, 'Nothing else due today.');
  out.pop();
  return out;
}
