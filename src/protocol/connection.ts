/**
 * What the core needs to reach GHL, as the host that owns the secret and the settings sees
 * it. The VS Code host sends it to the worker whenever one of them changes; the worker
 * never asks for it.
 */
export interface ConnectionSettings {
  /** The API token (only ever inside the process; never logged or shown unmasked). */
  token: string | null;
  locationId: string | null;
  defaultPipeline: string | null;
  /** null: GHL's own API. */
  apiBaseUrl: string | null;
  /** The RentCast key (SecretStorage), for ARV enrichment; same care as the token. */
  rentcastApiKey?: string | null;
  /** The `ghl.arv.*` settings as the host reads them, keyed by their full name. */
  arv?: Record<string, unknown>;
}
