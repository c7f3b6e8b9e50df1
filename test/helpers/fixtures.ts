import type { Contact } from '../../src/protocol/entities';

/** A cached contact with every field empty but the id, for tests to fill in what matters. */
export function makeContact(id: string, over: Partial<Contact> = {}): Contact {
  return {
    id,
    locationId: 'loc1',
    firstName: null,
    lastName: null,
    name: null,
    email: null,
    phone: null,
    companyName: null,
    address1: null,
    city: null,
    state: null,
    postalCode: null,
    tags: [],
    customFields: [],
    createdAt: null,
    updatedAt: null,
    syncedAt: 1,
    ...over,
  };
}
