import { OPPORTUNITY_STATUSES, type OpportunityStatus } from '../../protocol/entities';

/** The board's status filter: every status, or one. */
export type StatusFilter = 'all' | OpportunityStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', ...OPPORTUNITY_STATUSES];

export const STATUS_LABEL: Record<OpportunityStatus, string> = {
  open: 'Open',
  won: 'Won',
  lost: 'Lost',
  abandoned: 'Abandoned',
};

/** Each status has its own icon, so it is never told by color alone. */
export const STATUS_ICON: Record<OpportunityStatus, string> = {
  open: 'circle-large-outline',
  won: 'pass-filled',
  lost: 'error',
  abandoned: 'circle-slash',
};

export function isStatus(value: unknown): value is OpportunityStatus {
  return (OPPORTUNITY_STATUSES as readonly unknown[]).includes(value);
}

export function isStatusFilter(value: unknown): value is StatusFilter {
  return (STATUS_FILTERS as readonly unknown[]).includes(value);
}
