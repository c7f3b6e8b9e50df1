/** The `ghl.arv.*` settings, read and checked once per run. */
import { DEFAULT_ADJUSTMENT_RATES, type AdjustmentRates } from '../arv/compAdjustments';
import { DEFAULT_JOB_LIMITS } from '../arv/jobTypes';
import { DEFAULT_ESTIMATE_SETTINGS } from '../arv/types';
import { ExtGhlError } from '../protocol/envelope';
import {
  SETTING_ARV_ADDRESS_FIELD,
  SETTING_ARV_ADJ_BATHROOM,
  SETTING_ARV_ADJ_BEDROOM,
  SETTING_ARV_ADJ_PER_YEAR,
  SETTING_ARV_ADJ_SIZE_FACTOR,
  SETTING_ARV_LIST_TO_SALE_RATIO,
  SETTING_ARV_MAO_PERCENT_FIELD,
  SETTING_ARV_WHOLESALE_FEE,
  SETTING_ARV_WHOLESALE_FEE_FIELD,
  SETTING_ARV_FIELD,
  SETTING_ARV_MAO_PERCENT,
  SETTING_ARV_MAX_AGE_DAYS,
  SETTING_ARV_MAX_LOOKUPS,
  SETTING_ARV_MIN_CORRELATION,
  SETTING_ARV_RENTCAST_BASE_URL,
  SETTING_ARV_REPAIRS_FIELD,
  SETTING_ARV_SQFT_FIELD,
  type SettingsStore,
} from '../protocol/settings';

export interface ArvSettingValues {
  /** Field references (an id or a fieldKey), null when not set. */
  arvField: string | null;
  addressField: string | null;
  sqftField: string | null;
  repairsField: string | null;
  minCorrelation: number;
  maoPercent: number;
  maxAgeDays: number;
  maxLookupsPerRun: number;
  rentcastBaseUrl: string | null;
  /** Issue 19: listings × this when there are too few sold comps. */
  listToSaleRatio: number;
  wholesaleFee: number;
  /** Opportunity fields (id or fieldKey) that override the fee and the percent per deal. */
  wholesaleFeeField: string | null;
  maoPercentField: string | null;
  adjustments: AdjustmentRates;
}

export const DEFAULT_LIST_TO_SALE_RATIO = 0.97;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function numberSetting(settings: SettingsStore, key: string, fallback: number, min: number, max: number, integer = false): number {
  const value = settings.get(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ExtGhlError('VALIDATION', `The setting ${key} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`, {
      fields: [{ field: key, message: `must be from ${min} to ${max}` }],
    });
  }
  return value;
}

export function readArvSettings(settings: SettingsStore): ArvSettingValues {
  return {
    arvField: text(settings.get(SETTING_ARV_FIELD)),
    addressField: text(settings.get(SETTING_ARV_ADDRESS_FIELD)),
    sqftField: text(settings.get(SETTING_ARV_SQFT_FIELD)),
    repairsField: text(settings.get(SETTING_ARV_REPAIRS_FIELD)),
    minCorrelation: numberSetting(settings, SETTING_ARV_MIN_CORRELATION, DEFAULT_ESTIMATE_SETTINGS.minCorrelation, 0, 1),
    maoPercent: numberSetting(settings, SETTING_ARV_MAO_PERCENT, DEFAULT_ESTIMATE_SETTINGS.maoPercent, 0, 1),
    maxAgeDays: numberSetting(settings, SETTING_ARV_MAX_AGE_DAYS, DEFAULT_JOB_LIMITS.maxAgeDays, 0, 3650, true),
    maxLookupsPerRun: numberSetting(settings, SETTING_ARV_MAX_LOOKUPS, DEFAULT_JOB_LIMITS.maxLookupsPerRun, 0, 100_000, true),
    rentcastBaseUrl: text(settings.get(SETTING_ARV_RENTCAST_BASE_URL)),
    listToSaleRatio: numberSetting(settings, SETTING_ARV_LIST_TO_SALE_RATIO, DEFAULT_LIST_TO_SALE_RATIO, 0.5, 1.2),
    wholesaleFee: numberSetting(settings, SETTING_ARV_WHOLESALE_FEE, 0, 0, 10_000_000),
    wholesaleFeeField: text(settings.get(SETTING_ARV_WHOLESALE_FEE_FIELD)),
    maoPercentField: text(settings.get(SETTING_ARV_MAO_PERCENT_FIELD)),
    adjustments: {
      sizeFactor: numberSetting(settings, SETTING_ARV_ADJ_SIZE_FACTOR, DEFAULT_ADJUSTMENT_RATES.sizeFactor, 0, 1),
      bedroom: numberSetting(settings, SETTING_ARV_ADJ_BEDROOM, DEFAULT_ADJUSTMENT_RATES.bedroom, 0, 1_000_000),
      bathroom: numberSetting(settings, SETTING_ARV_ADJ_BATHROOM, DEFAULT_ADJUSTMENT_RATES.bathroom, 0, 1_000_000),
      perYearOfAge: numberSetting(settings, SETTING_ARV_ADJ_PER_YEAR, DEFAULT_ADJUSTMENT_RATES.perYearOfAge, 0, 100_000),
    },
  };
}
