/**
 * Turns the ARV settings' field references (an id or a fieldKey such as `opportunity.arv`)
 * into GHL custom field ids, against the location's custom field definitions.
 */

export interface CustomFieldDefinition {
  id: string;
  name: string;
  fieldKey: string;
  model: string;
  dataType?: string;
}

export const DEFAULT_ARV_FIELD_KEY = 'opportunity.arv';
export const DEFAULT_ARV_FIELD_NAME = 'ARV';

/**
 * The definition `ref` names: by id, by fieldKey, or by fieldKey without its model prefix
 * (`arv` for `opportunity.arv`). Only definitions of `model` count.
 */
export function resolveFieldRef(definitions: readonly CustomFieldDefinition[], ref: string | null | undefined, model = 'opportunity'): CustomFieldDefinition | undefined {
  const wanted = (ref ?? '').trim();
  if (wanted === '') return undefined;
  const ofModel = definitions.filter((d) => d.model === model);
  return (
    ofModel.find((d) => d.id === wanted) ??
    ofModel.find((d) => d.fieldKey === wanted) ??
    ofModel.find((d) => d.fieldKey === `${model}.${wanted}`)
  );
}

/** The field ARVs go into: `ghl.arv.field` when set, else the one keyed `opportunity.arv` or named "ARV". */
export function resolveArvField(definitions: readonly CustomFieldDefinition[], setting: string | null | undefined): CustomFieldDefinition | undefined {
  if ((setting ?? '').trim() !== '') return resolveFieldRef(definitions, setting);
  const ofModel = definitions.filter((d) => d.model === 'opportunity');
  return ofModel.find((d) => d.fieldKey === DEFAULT_ARV_FIELD_KEY) ?? ofModel.find((d) => d.name.trim().toLowerCase() === DEFAULT_ARV_FIELD_NAME.toLowerCase());
}

/** Issue 19: the optional fields an analysis also fills, found by fieldKey or by name. */
export const MAO_FIELD = { fieldKey: 'opportunity.mao', name: 'MAO' } as const;
export const CONFIDENCE_FIELD = { fieldKey: 'opportunity.arv_confidence', name: 'ARV Confidence' } as const;

export function resolveNamedField(definitions: readonly CustomFieldDefinition[], wanted: { fieldKey: string; name: string }): CustomFieldDefinition | undefined {
  const ofModel = definitions.filter((d) => d.model === 'opportunity');
  return ofModel.find((d) => d.fieldKey === wanted.fieldKey) ?? ofModel.find((d) => d.name.trim().toLowerCase() === wanted.name.toLowerCase());
}

/** What to tell the user when there is no field to write into. */
export function missingArvFieldMessage(setting: string | null | undefined): string {
  const named = (setting ?? '').trim();
  return named !== ''
    ? `The ARV field "${named}" (setting ghl.arv.field) is not an opportunity custom field of this location. ` +
        'Check its id or fieldKey in GHL under Settings → Custom Fields (Opportunity).'
    : 'This location has no opportunity custom field for the ARV (fieldKey "opportunity.arv" or named "ARV"). ' +
        'Create one in GHL under Settings → Custom Fields → Opportunity (type Monetary, name "ARV"), ' +
        'or name an existing field in the setting ghl.arv.field.';
}

/** The body of `POST /locations/{locationId}/customFields` that creates the default ARV field. */
export function arvFieldCreateBody(): { name: string; dataType: 'MONETORY'; model: 'opportunity' } {
  return { name: DEFAULT_ARV_FIELD_NAME, dataType: 'MONETORY', model: 'opportunity' };
}
