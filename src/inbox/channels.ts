import type { LAST_MESSAGE_TYPES, MESSAGE_TYPES } from '../protocol/requests';

/** A type convs-send takes (GHL's POST /conversations/messages). */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The channel of a conversation's last message, from the protocol's one list of them. */
export type LastMessageType = (typeof LAST_MESSAGE_TYPES)[number];

/**
 * GHL names a conversation's channel by its last message's type (TYPE_SMS, TYPE_CAMPAIGN_EMAIL,
 * …) but sends on a shorter list (SMS, Email, …). These tables join the two. Both are keyed by
 * every LastMessageType, so a type added to the protocol's list without a row here does not compile.
 */

const LABELS: Readonly<Record<LastMessageType, string>> = {
  TYPE_SMS: 'SMS',
  TYPE_CUSTOM_SMS: 'SMS',
  TYPE_CAMPAIGN_SMS: 'SMS',
  TYPE_CAMPAIGN_MANUAL_SMS: 'SMS',
  TYPE_SMS_REVIEW_REQUEST: 'SMS',
  TYPE_SMS_NO_SHOW_REQUEST: 'SMS',
  TYPE_SMS_REACTION: 'SMS',
  TYPE_CUSTOM_PROVIDER_SMS: 'SMS',
  TYPE_RCS: 'RCS',
  TYPE_EMAIL: 'Email',
  TYPE_CUSTOM_EMAIL: 'Email',
  TYPE_CAMPAIGN_EMAIL: 'Email',
  TYPE_CUSTOM_PROVIDER_EMAIL: 'Email',
  TYPE_CALL: 'Call',
  TYPE_CAMPAIGN_CALL: 'Call',
  TYPE_CAMPAIGN_MANUAL_CALL: 'Call',
  TYPE_IVR_CALL: 'Call',
  TYPE_CUSTOM_CALL: 'Call',
  TYPE_CAMPAIGN_VOICEMAIL: 'Voicemail',
  TYPE_WHATSAPP: 'WhatsApp',
  TYPE_ACTIVITY_WHATSAPP: 'WhatsApp',
  TYPE_FACEBOOK: 'Facebook',
  TYPE_CAMPAIGN_FACEBOOK: 'Facebook',
  TYPE_FACEBOOK_COMMENT: 'Facebook comment',
  TYPE_INSTAGRAM: 'Instagram',
  TYPE_INSTAGRAM_COMMENT: 'Instagram comment',
  TYPE_TIKTOK: 'TikTok',
  TYPE_TIKTOK_COMMENT: 'TikTok comment',
  TYPE_LIVE_CHAT: 'Live chat',
  TYPE_LIVE_CHAT_INFO_MESSAGE: 'Live chat',
  TYPE_WEBCHAT: 'Web chat',
  TYPE_GMB: 'Google Business',
  TYPE_CAMPAIGN_GMB: 'Google Business',
  TYPE_REVIEW: 'Review',
  TYPE_INTERNAL_COMMENT: 'Internal comment',
  TYPE_FORM_SUBMISSION: 'Form',
  TYPE_ACTIVITY_CONTACT: 'Activity',
  TYPE_ACTIVITY_INVOICE: 'Activity',
  TYPE_ACTIVITY_PAYMENT: 'Activity',
  TYPE_ACTIVITY_OPPORTUNITY: 'Activity',
  TYPE_ACTIVITY_APPOINTMENT: 'Activity',
  TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG: 'Activity',
};

/** TYPE_SMS → "SMS", TYPE_EMAIL → "Email"; a type GHL adds later reads as its words ("TYPE_NEW_THING" → "New thing"). */
export function channelLabel(lastMessageType: string | undefined): string {
  if (!lastMessageType) return 'Message';
  if (isKnownType(lastMessageType)) return LABELS[lastMessageType];
  const words = lastMessageType.replace(/^TYPE_/, '').replace(/_/g, ' ').toLowerCase().trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Message';
}

/** LABELS has a row for every LastMessageType, so its own keys are the list at run time (no zod in a webview bundle). */
function isKnownType(lastMessageType: string): lastMessageType is LastMessageType {
  return Object.hasOwn(LABELS, lastMessageType);
}

const REPLY_TYPES: Readonly<Record<LastMessageType, MessageType | null>> = {
  TYPE_SMS: 'SMS',
  TYPE_CUSTOM_SMS: 'SMS',
  TYPE_CAMPAIGN_SMS: 'SMS',
  TYPE_CAMPAIGN_MANUAL_SMS: 'SMS',
  TYPE_SMS_REVIEW_REQUEST: 'SMS',
  TYPE_SMS_NO_SHOW_REQUEST: 'SMS',
  TYPE_SMS_REACTION: 'SMS',
  // A call or voicemail came from a phone number: the written answer to it is an SMS.
  TYPE_CALL: 'SMS',
  TYPE_CAMPAIGN_CALL: 'SMS',
  TYPE_CAMPAIGN_MANUAL_CALL: 'SMS',
  TYPE_IVR_CALL: 'SMS',
  TYPE_CUSTOM_CALL: 'SMS',
  TYPE_CAMPAIGN_VOICEMAIL: 'SMS',
  TYPE_RCS: 'RCS',
  TYPE_EMAIL: 'Email',
  TYPE_CUSTOM_EMAIL: 'Email',
  TYPE_CAMPAIGN_EMAIL: 'Email',
  TYPE_CUSTOM_PROVIDER_SMS: 'Custom',
  TYPE_CUSTOM_PROVIDER_EMAIL: 'Custom',
  TYPE_WHATSAPP: 'WhatsApp',
  TYPE_ACTIVITY_WHATSAPP: 'WhatsApp',
  TYPE_FACEBOOK: 'FB',
  TYPE_CAMPAIGN_FACEBOOK: 'FB',
  TYPE_FACEBOOK_COMMENT: 'FB',
  TYPE_INSTAGRAM: 'IG',
  TYPE_INSTAGRAM_COMMENT: 'IG',
  TYPE_TIKTOK: 'TIKTOK',
  TYPE_TIKTOK_COMMENT: 'TIKTOK',
  TYPE_LIVE_CHAT: 'Live_Chat',
  TYPE_LIVE_CHAT_INFO_MESSAGE: 'Live_Chat',
  TYPE_WEBCHAT: 'Live_Chat',
  // GHL has no message type that answers these.
  TYPE_GMB: null,
  TYPE_CAMPAIGN_GMB: null,
  TYPE_REVIEW: null,
  TYPE_INTERNAL_COMMENT: null,
  TYPE_FORM_SUBMISSION: null,
  TYPE_ACTIVITY_CONTACT: null,
  TYPE_ACTIVITY_INVOICE: null,
  TYPE_ACTIVITY_PAYMENT: null,
  TYPE_ACTIVITY_OPPORTUNITY: null,
  TYPE_ACTIVITY_APPOINTMENT: null,
  TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG: null,
};

/** The convs-send type that answers on the conversation's channel; null where GHL has none (reviews, activity, forms, internal comments). */
export function replyTypeFor(lastMessageType: string | undefined): MessageType | null {
  if (!lastMessageType || !isKnownType(lastMessageType)) return null;
  return REPLY_TYPES[lastMessageType];
}

/** The contact field a message of this type is addressed to; null when GHL routes it by the conversation alone. */
export function requiredContactField(type: MessageType): 'phone' | 'email' | null {
  if (type === 'SMS' || type === 'RCS' || type === 'WhatsApp') return 'phone';
  if (type === 'Email') return 'email';
  return null;
}
