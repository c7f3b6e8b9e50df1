import { z } from 'zod';
import { OPPORTUNITY_STATUSES, type Contact } from '../../protocol/entities';
import type { RequestInput } from '../../protocol/requests';
import { money } from '../../format';
import { call } from '../channelClient';
import { dataBlock, quote } from '../crmData';
import { contactLabel, loadPipelines, matchPipelines, matchStages, stageNames } from './crmQueries';
import { ToolInputError, writeTool, type ToolOutcome } from './types';

const id = (what: string) => z.string().trim().min(1).max(128).describe(`The ${what} id, as an earlier tool result gave it.`);
const text = (what: string) => z.string().trim().min(1).max(500).optional().describe(what);

const contactFields = {
  firstName: text('First name.'),
  lastName: text('Last name.'),
  email: z.email().max(320).optional().describe('Email address.'),
  phone: z.string().trim().min(3).max(40).optional().describe('Phone number, ideally E.164 (+15551234567).'),
  companyName: text('Company name.'),
  address1: text('Street address.'),
  city: text('City.'),
  state: text('State.'),
  postalCode: z.string().trim().max(20).optional().describe('Postal code.'),
};
type ContactFields = { [K in keyof typeof contactFields]?: string };
type ContactPatch = RequestInput<'ext-ghl:contacts-update'>['data'];
type NewContact = RequestInput<'ext-ghl:contacts-create'>['contact'];
type OpportunityPatch = RequestInput<'ext-ghl:opps-update'>['data'];
const FIELD_LABELS: Record<keyof ContactFields, string> = {
  firstName: 'first name',
  lastName: 'last name',
  email: 'email',
  phone: 'phone',
  companyName: 'company',
  address1: 'address',
  city: 'city',
  state: 'state',
  postalCode: 'postal code',
};
const tagList = z.array(z.string().trim().min(1).max(100)).max(50);

const PROPOSED =
  'Nothing has been changed yet. The user now sees this exact change with Approve and Cancel buttons; it runs only if they approve. ' +
  'Tell the user what you proposed and that it waits for their approval. Do not say it is done.';

/** What the model reads for a write waiting for the user's click. */
export function proposedContent(tool: string, actionId: string, summary: string): string {
  return `${PROPOSED}\n${dataBlock(tool, { pendingActionId: actionId, proposed: summary })}`;
}

const show = (value: string | null | undefined) => (value ? quote(value) : '(empty)');
const sameTags = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

function doneOutcome(tool: string, plan: { summary: string }, record: unknown, refs: ToolOutcome['refs']): ToolOutcome {
  return { ok: true, summary: `Done: ${plan.summary}`, content: dataBlock(tool, { done: plan.summary, record }), refs };
}

/** What the model reads after a contact write ran, with the contact as a clickable ref. */
function contactDone(tool: string, contact: Contact, plan: { summary: string }): ToolOutcome {
  const label = contactLabel(contact);
  return doneOutcome(tool, plan, { id: contact.id, name: label }, [{ kind: 'contact', id: contact.id, label }]);
}

export const updateContact = writeTool({
  name: 'ghl_update_contact',
  toolReferenceName: 'ghlUpdateContact',
  displayName: 'Update GHL Contact',
  userDescription: "Change a contact's fields or tags (asks for your confirmation first).",
  modelDescription:
    "Proposes a change to one GoHighLevel contact: any of its name, email, phone, company and address fields, and tags to add or remove. " +
    'It does not change anything by itself: the user sees the exact before/after and approves or cancels. Needs the contact id.',
  tags: ['ghl', 'crm', 'contacts', 'write'],
  icon: 'edit',
  channel: 'ext-ghl:contacts-update',
  inputSchema: z.object({
    contactId: id('contact'),
    changes: z.object(contactFields).optional().describe('The fields to set, with their new values.'),
    addTags: tagList.optional().describe('Tags to add.'),
    removeTags: tagList.optional().describe('Tags to remove.'),
  }),
  async plan({ contactId, changes = {}, addTags = [], removeTags = [] }, { client }) {
    const contact = await call(client, 'ext-ghl:contacts-get', { id: contactId });
    const data: ContactPatch = {};
    const lines: string[] = [];
    for (const [key, value] of Object.entries(changes) as Array<[keyof ContactFields, string | undefined]>) {
      if (value === undefined || value === (contact[key] ?? undefined)) continue;
      data[key] = value;
      lines.push(`${FIELD_LABELS[key]} ${show(contact[key])} → ${quote(value)}`);
    }
    const removing = new Set(removeTags.map((t) => t.toLowerCase()));
    const tags = [...contact.tags.filter((t) => !removing.has(t.toLowerCase()))];
    for (const tag of addTags) if (!tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
    if (!sameTags(tags, contact.tags)) {
      data.tags = tags;
      lines.push(`tags [${contact.tags.join(', ')}] → [${tags.join(', ')}]`);
    }
    if (lines.length === 0) throw new ToolInputError(`Nothing would change: contact ${contactId} already has these values.`);
    return {
      summary: `Update contact ${quote(contactLabel(contact))} (${contact.id}): ${lines.join('; ')}`,
      payload: { id: contact.id, data },
    };
  },
  done: (contact, plan) => contactDone('ghl_update_contact', contact, plan),
});

export const createContact = writeTool({
  name: 'ghl_create_contact',
  toolReferenceName: 'ghlCreateContact',
  displayName: 'Create GHL Contact',
  userDescription: 'Add a contact to GoHighLevel (asks for your confirmation first).',
  modelDescription:
    'Proposes a new GoHighLevel contact with a name, email and/or phone, company, address and tags. Nothing is created until the user approves the exact details. ' +
    'Search first (ghl_search_contacts) so you do not propose a duplicate.',
  tags: ['ghl', 'crm', 'contacts', 'write'],
  icon: 'person-add',
  channel: 'ext-ghl:contacts-create',
  inputSchema: z
    .object({ ...contactFields, tags: tagList.optional().describe('Tags to give the contact.') })
    .refine((c) => Boolean(c.firstName || c.lastName || c.email || c.phone), { message: 'a contact needs a name, an email or a phone' }),
  async plan({ tags, ...fields }) {
    const contact: NewContact = {};
    const lines: string[] = [];
    for (const key of Object.keys(FIELD_LABELS) as Array<keyof ContactFields>) {
      const value = fields[key];
      if (value === undefined) continue;
      contact[key] = value;
      lines.push(`${FIELD_LABELS[key]} ${quote(value)}`);
    }
    if (tags?.length) {
      contact.tags = tags;
      lines.push(`tags [${tags.join(', ')}]`);
    }
    return { summary: `Create contact: ${lines.join('; ')}`, payload: { contact } };
  },
  done: (contact, plan) => contactDone('ghl_create_contact', contact, plan),
});

export const moveOpportunity = writeTool({
  name: 'ghl_move_opportunity',
  toolReferenceName: 'ghlMoveOpportunity',
  displayName: 'Move GHL Opportunity',
  userDescription: "Move a deal to another stage or change its status (asks for your confirmation first).",
  modelDescription:
    "Proposes moving one GoHighLevel opportunity to another stage of its pipeline (stage name or id) and/or setting its status (open, won, lost, abandoned). " +
    'Nothing changes until the user approves. Needs the opportunity id from ghl_list_opportunities or ghl_get_contact.',
  tags: ['ghl', 'crm', 'opportunities', 'pipelines', 'write'],
  icon: 'arrow-right',
  channel: 'ext-ghl:opps-update',
  inputSchema: z
    .object({
      opportunityId: id('opportunity'),
      stage: z.string().trim().min(1).max(200).optional().describe('The stage to move to, name or id, in the same pipeline.'),
      status: z.enum(OPPORTUNITY_STATUSES).optional().describe('The new status.'),
    })
    .refine((m) => m.stage !== undefined || m.status !== undefined, { message: 'give a stage, a status or both' }),
  async plan({ opportunityId, stage, status }, { client }) {
    const [opportunity, pipelines] = await Promise.all([call(client, 'ext-ghl:opps-get', { id: opportunityId }), loadPipelines(client)]);
    const names = stageNames(pipelines);
    const data: OpportunityPatch = {};
    const lines: string[] = [];
    if (stage !== undefined) {
      const pipeline = pipelines.filter((p) => p.id === opportunity.pipelineId);
      if (pipeline.length === 0) throw new ToolInputError(`The pipeline of opportunity ${opportunityId} is not cached; sync opportunities first.`);
      const matches = matchStages(pipeline, stage);
      if (matches.length > 1) throw new ToolInputError(`"${stage}" matches several stages: ${matches.map((m) => m.stage.name).join(', ')}. Name one exactly.`);
      const target = matches[0]!.stage;
      if (target.id !== opportunity.pipelineStageId) {
        data.pipelineStageId = target.id;
        lines.push(`stage ${quote(names.stage(opportunity.pipelineId, opportunity.pipelineStageId))} → ${quote(target.name)}`);
      }
    }
    if (status !== undefined && status !== opportunity.status) {
      data.status = status;
      lines.push(`status ${opportunity.status} → ${status}`);
    }
    if (lines.length === 0) throw new ToolInputError(`Nothing would change: opportunity ${opportunityId} is already there.`);
    return {
      summary: `Move opportunity ${quote(opportunity.name)} (${opportunity.id}) in ${quote(names.pipeline(opportunity.pipelineId))}: ${lines.join('; ')}`,
      payload: { id: opportunity.id, data },
    };
  },
  done(o, plan) {
    return doneOutcome('ghl_move_opportunity', plan, { id: o.id, name: o.name, stageId: o.pipelineStageId, status: o.status }, [{ kind: 'opportunity', id: o.id, label: o.name }]);
  },
});

export const createOpportunity = writeTool({
  name: 'ghl_create_opportunity',
  toolReferenceName: 'ghlCreateOpportunity',
  displayName: 'Create GHL Opportunity',
  userDescription: 'Add a deal for a contact to a pipeline (asks for your confirmation first).',
  modelDescription:
    'Proposes a new GoHighLevel opportunity for an existing contact (contact id) in a pipeline (name or id), optionally in a given stage ' +
    '(the first stage otherwise), with a monetary value. Nothing is created until the user approves.',
  tags: ['ghl', 'crm', 'opportunities', 'write'],
  icon: 'add',
  channel: 'ext-ghl:opps-create',
  inputSchema: z.object({
    name: z.string().trim().min(1).max(500).describe('The opportunity name, e.g. the property address.'),
    contactId: id('contact'),
    pipeline: z.string().trim().min(1).max(200).describe('Pipeline name or id.'),
    stage: z.string().trim().min(1).max(200).optional().describe('Stage name or id; the first stage when left out.'),
    value: z.number().min(0).max(1e12).optional().describe('Monetary value in dollars.'),
  }),
  async plan({ name, contactId, pipeline, stage, value }, { client }) {
    const [contact, pipelines] = await Promise.all([call(client, 'ext-ghl:contacts-get', { id: contactId }), loadPipelines(client)]);
    const matches = matchPipelines(pipelines, pipeline);
    if (matches.length > 1) throw new ToolInputError(`"${pipeline}" matches several pipelines: ${matches.map((p) => p.name).join(', ')}. Name one exactly.`);
    const target = matches[0]!;
    const stages = stage ? matchStages([target], stage) : [...target.stages].sort((a, b) => a.position - b.position).slice(0, 1).map((s) => ({ pipeline: target, stage: s }));
    if (stages.length !== 1) throw new ToolInputError(stages.length === 0 ? `Pipeline ${target.name} has no stages.` : `"${stage}" matches several stages. Name one exactly.`);
    const targetStage = stages[0]!.stage;
    return {
      summary:
        `Create opportunity ${quote(name)} for ${quote(contactLabel(contact))} (${contact.id}) in ${quote(target.name)} / ${quote(targetStage.name)}` +
        (value !== undefined ? `, value ${money.format(value)}` : ''),
      payload: { opportunity: { name, contactId: contact.id, pipelineId: target.id, pipelineStageId: targetStage.id, status: 'open', ...(value !== undefined ? { monetaryValue: value } : {}) } },
    };
  },
  done(o, plan) {
    return doneOutcome('ghl_create_opportunity', plan, { id: o.id, name: o.name }, [{ kind: 'opportunity', id: o.id, label: o.name }]);
  },
});

export const sendMessage = writeTool({
  name: 'ghl_send_message',
  toolReferenceName: 'ghlSendMessage',
  displayName: 'Send GHL SMS or Email',
  userDescription: 'Send an SMS or an email to a contact (asks for your confirmation first, showing the exact text).',
  modelDescription:
    "Proposes sending an SMS or an Email to a GoHighLevel contact through the contact's existing conversation (contactId or conversationId). " +
    'An Email needs a subject. Nothing is sent until the user approves the exact text; draft it fully, without placeholders.',
  tags: ['ghl', 'crm', 'conversations', 'messages', 'write'],
  icon: 'send',
  channel: 'ext-ghl:convs-send',
  inputSchema: z
    .object({
      contactId: id('contact').optional(),
      conversationId: id('conversation').optional(),
      type: z.enum(['SMS', 'Email']).describe('SMS or Email.'),
      message: z.string().trim().min(1).max(5000).describe('The exact text to send.'),
      subject: z.string().trim().min(1).max(300).optional().describe('Email subject (required for Email).'),
    })
    .refine((m) => m.contactId || m.conversationId, { message: 'give a contactId or a conversationId' })
    .refine((m) => m.type !== 'Email' || m.subject, { message: 'an Email needs a subject', path: ['subject'] }),
  async plan({ contactId, conversationId, type, message, subject }, { client }) {
    const conversation = conversationId
      ? await call(client, 'ext-ghl:convs-get', { id: conversationId })
      : (await call(client, 'ext-ghl:convs-list', { limit: 1, contactId: contactId! })).items[0];
    if (!conversation) throw new ToolInputError(`Contact ${contactId} has no conversation yet; messages can be sent only in an existing conversation.`);
    if (contactId && conversation.contactId !== contactId) throw new ToolInputError(`Conversation ${conversationId} belongs to another contact.`);
    const to = conversation.fullName ?? conversation.contactName ?? conversation.contactId;
    const address = type === 'SMS' ? conversation.phone : conversation.email;
    return {
      summary: `Send ${type} to ${quote(to)}${address ? ` (${address})` : ''}${subject ? `, subject ${quote(subject, 300)}` : ''}:\n${message}`,
      payload: { conversationId: conversation.id, type, message, ...(subject ? { subject } : {}) },
    };
  },
  done(sent, plan) {
    return doneOutcome('ghl_send_message', plan, sent, [{ kind: 'conversation', id: sent.conversationId, label: 'conversation' }]);
  },
});

export const WRITE_TOOLS = [updateContact, createContact, moveOpportunity, createOpportunity, sendMessage];
