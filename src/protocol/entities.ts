/** Cached CRM entities as the protocol returns them: camelCase, JSON columns parsed. */

export interface CustomFieldValue {
  id: string;
  value: unknown;
}

export interface Contact {
  id: string;
  locationId: string;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  tags: string[];
  customFields: CustomFieldValue[];
  /** GHL's dateAdded, ISO 8601. */
  createdAt: string | null;
  /** GHL's dateUpdated, ISO 8601. */
  updatedAt: string | null;
  /** When this row was last written from GHL, epoch ms. */
  syncedAt: number;
}

export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost', 'abandoned'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

export interface Opportunity {
  id: string;
  locationId: string;
  name: string;
  pipelineId: string;
  pipelineStageId: string;
  status: OpportunityStatus;
  monetaryValue: number;
  contactId: string | null;
  /** Display name of the linked contact as GHL embeds it (may be null). */
  contactName: string | null;
  assignedTo: string | null;
  source: string | null;
  customFields: CustomFieldValue[];
  createdAt: string | null;
  updatedAt: string | null;
  syncedAt: number;
}

export interface PipelineStage {
  id: string;
  name: string;
  position: number;
}

export interface Pipeline {
  id: string;
  locationId: string;
  name: string;
  stages: PipelineStage[];
  syncedAt: number;
}

/** #17: a task as cached (synced from the location's task search, written through the journal). */
export interface Task {
  id: string;
  locationId: string;
  contactId: string;
  /** The contact's name as the cache knows it (null when the contact is not cached). */
  contactName: string | null;
  title: string;
  body: string | null;
  assignedTo: string | null;
  /** ISO 8601; null for a task without a due date. */
  dueDate: string | null;
  completed: boolean;
  syncedAt: number;
}
