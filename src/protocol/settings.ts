/**
 * The settings and secrets the extension keeps, under one spelling for every layer: the keys are
 * the VS Code configuration keys the manifest contributes and the SecretStorage keys, and the
 * stores are the two ports the core reads them through (VS Code's, the worker's mirror of them,
 * a Map in tests). Nothing here imports vscode, so the VS Code layer, the worker and the core
 * all take them from here rather than from the handlers that use them.
 */

export const SECRET_TOKEN_KEY = 'ghl.api-token';
/** Setting keys are the VS Code configuration keys the extension contributes: one spelling everywhere. */
export const SETTING_LOCATION_ID = 'ghl.locationId';
export const SETTING_DEFAULT_PIPELINE = 'ghl.defaultPipeline';
export const SETTING_API_BASE_URL = 'ghl.apiBaseUrl';
/** The RentCast key, in SecretStorage beside the token (ARV settings: src/handlers/arvSettings.ts). */
export const SECRET_RENTCAST_KEY = 'ghl.rentcast-api-key';

/** Hosts whose values change outside settings-set (the worker's copy of the host's) say so here. */
export interface ChangeSource {
  onDidChange?(listener: () => void): { dispose(): void };
}

export interface SecretStore extends ChangeSource {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SettingsStore extends ChangeSource {
  get(key: string): unknown;
  update(key: string, value: unknown): Promise<void>;
}

/** Where the token and the settings are kept. */
export interface SettingsStores {
  secrets: SecretStore;
  settings: SettingsStore;
}

/** The `ghl.arv.*` settings (read and checked once per run by src/handlers/arvSettings.ts). */
export const SETTING_ARV_FIELD = 'ghl.arv.field';
export const SETTING_ARV_ADDRESS_FIELD = 'ghl.arv.addressField';
export const SETTING_ARV_SQFT_FIELD = 'ghl.arv.sqftField';
export const SETTING_ARV_REPAIRS_FIELD = 'ghl.arv.repairsField';
export const SETTING_ARV_MIN_CORRELATION = 'ghl.arv.minCorrelation';
export const SETTING_ARV_MAO_PERCENT = 'ghl.arv.maoPercent';
export const SETTING_ARV_MAX_AGE_DAYS = 'ghl.arv.maxAgeDays';
export const SETTING_ARV_MAX_LOOKUPS = 'ghl.arv.maxLookupsPerRun';
/** Application scope like ghl.apiBaseUrl: a workspace must not send the key elsewhere. */
export const SETTING_ARV_RENTCAST_BASE_URL = 'ghl.arv.rentcastBaseUrl';
// Issue 19: the sold-comps estimate and the deal terms.
export const SETTING_ARV_LIST_TO_SALE_RATIO = 'ghl.arv.listToSaleRatio';
export const SETTING_ARV_WHOLESALE_FEE = 'ghl.arv.wholesaleFee';
export const SETTING_ARV_WHOLESALE_FEE_FIELD = 'ghl.arv.wholesaleFeeField';
export const SETTING_ARV_MAO_PERCENT_FIELD = 'ghl.arv.maoPercentField';
export const SETTING_ARV_ADJ_SIZE_FACTOR = 'ghl.arv.adjustments.sizeFactor';
export const SETTING_ARV_ADJ_BEDROOM = 'ghl.arv.adjustments.bedroom';
export const SETTING_ARV_ADJ_BATHROOM = 'ghl.arv.adjustments.bathroom';
export const SETTING_ARV_ADJ_PER_YEAR = 'ghl.arv.adjustments.perYearOfAge';

/** Every ARV setting the host sends to the worker. */
export const ARV_SETTING_KEYS = [
  SETTING_ARV_FIELD,
  SETTING_ARV_ADDRESS_FIELD,
  SETTING_ARV_SQFT_FIELD,
  SETTING_ARV_REPAIRS_FIELD,
  SETTING_ARV_MIN_CORRELATION,
  SETTING_ARV_MAO_PERCENT,
  SETTING_ARV_MAX_AGE_DAYS,
  SETTING_ARV_MAX_LOOKUPS,
  SETTING_ARV_RENTCAST_BASE_URL,
  // Issue 19.
  SETTING_ARV_LIST_TO_SALE_RATIO,
  SETTING_ARV_WHOLESALE_FEE,
  SETTING_ARV_WHOLESALE_FEE_FIELD,
  SETTING_ARV_MAO_PERCENT_FIELD,
  SETTING_ARV_ADJ_SIZE_FACTOR,
  SETTING_ARV_ADJ_BEDROOM,
  SETTING_ARV_ADJ_BATHROOM,
  SETTING_ARV_ADJ_PER_YEAR,
] as const;

/** A setting's value as trimmed text; null when it is unset, blank or not a string. */
export function settingText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
