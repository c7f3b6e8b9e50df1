import { md, money } from '../../format';
import type { Contact, Opportunity, Pipeline } from '../../protocol/entities';
import type { AgendaEvent, Note } from '../../protocol/responses';
import type { StoredArvEstimate } from '../../protocol/arv';
import { contactLabel } from '../contactsTree';
import { renderArvSection } from './arvRenderer';
import { formatSpan, zonesNote, type DisplayZones } from '../../time/dayWindows';

/** The Markdown documents the commands open; CRM text is always escaped (md). */

/** A contact's details, tags, custom fields and opportunities. */
export function renderContact(
  contact: Contact,
  opportunities: Opportunity[],
  pipelines: Pipeline[],
  fieldNames: Map<string, string>,
  arvEstimates: ReadonlyMap<string, StoredArvEstimate> = new Map(),
  notes?: { notes: Note[]; userNames: ReadonlyMap<string, string> } | { error: string },
): string {
  const lines = [`# ${md(contactLabel(contact))}`, ''];
  const rows: Array<[string, string | null]> = [
    ['Email', contact.email],
    ['Phone', contact.phone],
    ['Company', contact.companyName],
    ['Address', [contact.address1, contact.city, contact.state, contact.postalCode].filter(Boolean).join(', ') || null],
    ['Tags', contact.tags.join(', ') || null],
    ['Added', contact.createdAt ? new Date(contact.createdAt).toLocaleString() : null],
  ];
  for (const [label, value] of rows) if (value) lines.push(`- **${label}:** ${md(value)}`);
  const custom = contact.customFields.filter((f) => f.value !== null && f.value !== undefined && f.value !== '');
  if (custom.length > 0) {
    lines.push('', '## Custom fields', '');
    for (const f of custom) lines.push(`- **${md(fieldNames.get(f.id) ?? f.id)}:** ${md(typeof f.value === 'string' ? f.value : JSON.stringify(f.value))}`);
  }
  lines.push('', '## Opportunities', '');
  if (opportunities.length === 0) lines.push('None in the local cache.');
  for (const o of opportunities) {
    const pipeline = pipelines.find((p) => p.id === o.pipelineId);
    const stage = pipeline?.stages.find((s) => s.id === o.pipelineStageId);
    lines.push(`- ${md(o.name)} — ${money.format(o.monetaryValue)} · ${o.status}${pipeline ? ` · ${md(pipeline.name)} › ${md(stage?.name ?? '?')}` : ''}`);
  }
  lines.push(...renderArvSection(opportunities, arvEstimates));
  if (notes) lines.push(...renderNotes(notes));
  lines.push('', `_From the local cache, synced ${new Date(contact.syncedAt).toLocaleString()}._`, '');
  return lines.join('\n');
}

/** #18: the Calendar view's span (today to the end of next week) as Markdown, grouped by the location's calendar days, on its clock (the reader's beside it when it differs). */
export function renderAgenda(events: AgendaEvent[], calendarNames: Map<string, string>, zones: DisplayZones): string {
  const lines = ['# Calendar — today to the end of next week', '', `_${zonesNote(zones)}_`, ''];
  if (events.length === 0) lines.push('No appointments from today to the end of next week.');
  let day = '';
  for (const event of events) {
    const start = Date.parse(event.startTime);
    const end = Date.parse(event.endTime);
    const heading = Number.isFinite(start) ? new Date(start).toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone: zones.location }) : '—';
    if (heading !== day) {
      day = heading;
      lines.push(`## ${day}`, '', '| Time | Appointment | Contact | Calendar | Status |', '| --- | --- | --- | --- | --- |');
    }
    lines.push(
      `| ${formatSpan(start, end, zones)} | ${md(event.title ?? '(untitled)')} | ${md(event.contactName ?? '')} | ${md(calendarNames.get(event.calendarId) ?? '')} | ${md(event.appointmentStatus ?? '')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** #17: a contact's notes, newest first, with author and time; the commands that change them. */
function renderNotes(section: { notes: Note[]; userNames: ReadonlyMap<string, string> } | { error: string }): string[] {
  const lines = ['', '## Notes', ''];
  if ('error' in section) return [...lines, `_Could not load the notes: ${md(section.error)}_`];
  if (section.notes.length === 0) lines.push('No notes yet.');
  for (const note of section.notes) {
    const author = note.userId ? (section.userNames.get(note.userId) ?? note.userId) : 'someone';
    const when = note.dateAdded ? new Date(note.dateAdded).toLocaleString() : 'undated';
    lines.push(`**${md(author)}** · ${md(when)}`, '', ...note.body.split('\n').map((line) => `> ${md(line)}`), '');
  }
  lines.push('_Add, edit or delete notes with **GHL: Add Note…**, **GHL: Edit Note…**, **GHL: Delete Note…** (right-click the contact)._');
  return lines;
}
