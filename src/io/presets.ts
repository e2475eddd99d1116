import type { EventField, LeadField, PresetId } from './types.js';

/**
 * The header names CRM exports use for our fields, as the vendors spell them in their default
 * exports (matched after normalising: case, spaces and punctuation ignored, so "Country/Region",
 * "country_region" and "countryRegion" are one name). Maintained here, in one table: add a
 * vendor's new spelling to its preset, or a name every tool uses to GENERIC.
 *
 * Sources: HubSpot's contact export (property labels), Salesforce's Lead and Contact objects
 * (API names as Data Loader exports them, and report labels), Mautic's contact fields (aliases),
 * Pipedrive's person export, Marketo's standard lead fields (friendly labels and REST names),
 * ActiveCampaign's contact export.
 */
export interface Preset {
  id: PresetId;
  label: string;
  leads: Partial<Record<LeadField, string[]>>;
  events?: Partial<Record<EventField, string[]>>;
}

/** Spellings every tool shares (and our own field names, which always match). */
export const GENERIC: Omit<Preset, 'id' | 'label'> = {
  leads: {
    email: ['Email', 'E-mail', 'Email Address', 'Mail', 'Work Email', 'Primary Email'],
    first_name: ['First Name', 'Firstname', 'Given Name', 'Forename', 'Vorname', 'Prénom'],
    last_name: ['Last Name', 'Lastname', 'Surname', 'Family Name', 'Nachname', 'Nom'],
    full_name: ['Full Name', 'Contact Name'],
    company: ['Company', 'Company Name', 'Organization', 'Organisation', 'Organization Name', 'Account Name', 'Firma'],
    job_title: ['Job Title', 'Title', 'Position', 'Role', 'Jobtitle'],
    industry: ['Industry', 'Sector', 'Branche'],
    country: ['Country', 'Country Code', 'Country/Region', 'Land', 'Pays'],
    state: ['State', 'Region', 'Province', 'State/Province', 'State/Region', 'Bundesland'],
    city: ['City', 'Town', 'Stadt', 'Ville'],
    timezone: ['Time Zone', 'Timezone', 'TZ', 'Zone'],
    consent_at: ['Consent Date', 'Opt-in Date', 'Consent Timestamp'],
    consent_source: ['Opt-in Source', 'Consent Origin'],
    unsubscribed: [
      'Email Opt Out',
      'Email Opt-Out',
      'Opted Out',
      'Opt Out',
      'Opted Out Of Email',
      'Do Not Email',
      'Do Not Contact',
      'Unsubscribed',
      'Is Unsubscribed',
    ],
    bounced: ['Bounced', 'Hard Bounced', 'Email Bounced'],
    lifecycle_stage: ['Lifecycle Stage', 'Lifecycle'],
  },
  events: {
    email: ['Email', 'E-mail', 'Email Address', 'Contact Email', 'User Email', 'Lead Email', 'Recipient'],
    type: ['Event', 'Event Type', 'Event Name', 'Activity', 'Activity Type', 'Action'],
    occurred_at: [
      'Timestamp',
      'Time',
      'Date',
      'Datetime',
      'Date Time',
      'Event Date',
      'Event Time',
      'Activity Date',
      'Occurred',
      'Occurred At',
      'Created At',
    ],
    id: ['Event ID', 'ID', 'External ID', 'Message ID', 'Activity ID', 'Event UUID'],
    url: ['URL', 'Page URL', 'Page', 'Link', 'Link URL', 'Clicked URL', 'Href'],
  },
};

export const PRESETS: readonly Preset[] = [
  {
    id: 'hubspot',
    label: 'HubSpot',
    leads: {
      email: ['Email'],
      company: ['Company Name', 'Associated Company'],
      country: ['Country/Region', 'IP Country'],
      state: ['State/Region', 'IP State/Region'],
      timezone: ['Time Zone', 'hs_timezone'],
      unsubscribed: ['Unsubscribed from all email', 'hs_email_optout', 'Opted out of all email'],
      bounced: ['Email hard bounce reason', 'Portal Bounce', 'Global Bounce'],
      marketing_status: ['Marketing contact status', 'hs_marketable_status'],
      lifecycle_stage: ['Lifecycle Stage', 'lifecyclestage'],
      consent_at: ['Became a Subscriber Date'],
    },
    events: {
      email: ['Email'],
      type: ['Event name', 'Activity type'],
      occurred_at: ['Event date', 'Activity date', 'Timestamp'],
      url: ['Page URL'],
    },
  },
  {
    id: 'salesforce',
    label: 'Salesforce',
    leads: {
      email: ['Email'],
      first_name: ['FirstName'],
      last_name: ['LastName'],
      company: ['Company', 'Account.Name', 'AccountName', 'Account Name', 'Company / Account'],
      job_title: ['Title'],
      country: ['Country', 'MailingCountry', 'Mailing Country', 'CountryCode', 'MailingCountryCode'],
      state: ['State', 'MailingState', 'Mailing State/Province', 'StateCode', 'MailingStateCode', 'State/Province'],
      city: ['City', 'MailingCity', 'Mailing City'],
      unsubscribed: ['HasOptedOutOfEmail', 'Email Opt Out'],
      bounced: ['EmailBouncedReason', 'Email Bounced Reason'],
      lifecycle_stage: ['Status', 'Lead Status'],
    },
    events: {
      email: ['Email', 'Lead.Email', 'Contact.Email'],
      type: ['Type', 'Subject'],
      occurred_at: ['ActivityDate', 'CreatedDate', 'Activity Date'],
      id: ['Id'],
    },
  },
  {
    id: 'mautic',
    label: 'Mautic',
    leads: {
      first_name: ['firstname'],
      last_name: ['lastname'],
      company: ['company'],
      job_title: ['position'],
      timezone: ['timezone'],
      unsubscribed: ['dnc', 'donotcontact', 'do_not_contact', 'doNotContact', 'Do Not Contact'],
      lifecycle_stage: ['stage'],
    },
    events: {
      email: ['email', 'lead_email'],
      type: ['event', 'event_type', 'eventName'],
      occurred_at: ['date_added', 'dateAdded', 'timestamp'],
      url: ['url', 'page_url'],
    },
  },
  {
    id: 'pipedrive',
    label: 'Pipedrive',
    leads: {
      email: ['Email - Work', 'Email - Home', 'Email - Other', 'Person - Email', 'Person - Email - Work'],
      full_name: ['Name', 'Person - Name'],
      first_name: ['Person - First name'],
      last_name: ['Person - Last name'],
      company: ['Organization', 'Person - Organization', 'Organization - Name'],
      job_title: ['Job title', 'Person - Job title'],
      country: ['Person - Country'],
      marketing_status: ['Marketing status', 'Person - Marketing status'],
      lifecycle_stage: ['Label', 'Person - Label'],
    },
  },
  {
    id: 'marketo',
    label: 'Marketo',
    leads: {
      email: ['Email Address'],
      company: ['Company Name'],
      job_title: ['Job Title', 'title'],
      state: ['State'],
      timezone: ['Person Time Zone', 'Inferred Time Zone'],
      unsubscribed: ['Unsubscribed', 'Black Listed', 'Blocklisted', 'Marketing Suspended'],
      bounced: ['Email Invalid'],
      lifecycle_stage: ['Lead Status', 'Lead Stage', 'Revenue Stage'],
    },
    events: {
      email: ['Email Address'],
      type: ['Activity Type'],
      occurred_at: ['Activity Date', 'activityDate'],
      id: ['Activity ID', 'marketoGUID'],
    },
  },
  {
    id: 'activecampaign',
    label: 'ActiveCampaign',
    leads: {
      company: ['Organization', 'Account'],
      job_title: ['Job Title'],
      marketing_status: ['Status', 'List Status', 'Subscription Status'],
      unsubscribed: ['Unsubscribed'],
      bounced: ['Bounced'],
    },
  },
];

/**
 * Headers that only one tool writes: they tell the preset apart when none is forced. A file with
 * `HasOptedOutOfEmail` and `FirstName` is a Salesforce export whatever else it holds.
 */
export const SIGNATURES: Readonly<Record<PresetId, readonly string[]>> = {
  hubspot: [
    'Record ID',
    'Country/Region',
    'State/Region',
    'Unsubscribed from all email',
    'Marketing contact status',
    'Lifecycle Stage',
    'Contact owner',
    'Associated Company',
  ],
  salesforce: ['FirstName', 'LastName', 'HasOptedOutOfEmail', 'MailingCountry', 'MailingState', 'LeadSource', 'AccountName', 'Account.Name'],
  mautic: ['firstname', 'lastname', 'position', 'dnc', 'donotcontact', 'date_identified', 'points', 'preferred_locale'],
  pipedrive: [
    'Email - Work',
    'Marketing status',
    'Person - Name',
    'Person - Email - Work',
    'Person - Marketing status',
    'Person - Label',
    'Person - Owner',
    'Organization - Name',
  ],
  marketo: ['Email Address', 'Email Invalid', 'Black Listed', 'Marketing Suspended', 'Unsubscribed Reason', 'Person Time Zone'],
  activecampaign: ['Subscription Status', 'List Status', 'Contact ID', 'Tags'],
};

/** Values of a CRM lifecycle column that mean the lead already bought: nurture stops as for `became_customer`. */
export const CUSTOMER_STAGES = ['customer', 'closed won', 'won', 'client', 'converted', 'evangelist'];
/** Values that mean sales are already talking to the lead (kept as an attribute for audiences). */
export const OPPORTUNITY_STAGES = ['opportunity', 'sales qualified lead', 'sql', 'negotiation'];

/**
 * Values of a marketing-status column that mean "do not mail": HubSpot's non-marketing
 * contacts, Pipedrive's unsubscribed and archived persons, ActiveCampaign's unsubscribed and
 * bounced list statuses.
 */
export const OPTED_OUT_STATUSES = ['non-marketing contact', 'non-marketing', 'unsubscribed', 'archived', 'no consent', 'bounced'];
/** The one of them that is a dead address (suppressed as bounced), not an opt-out. */
export const BOUNCED_STATUS = 'bounced';

/** Event type spellings of real tools, mapped to ours (after lower-casing and `_` for spaces). */
export const EVENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
  open: 'email_opened',
  opened: 'email_opened',
  email_open: 'email_opened',
  'open_email': 'email_opened',
  click: 'email_clicked',
  clicked: 'email_clicked',
  email_click: 'email_clicked',
  'click_link_in_email': 'email_clicked',
  page_view: 'page_viewed',
  pageview: 'page_viewed',
  visit_web_page: 'page_viewed',
  form_submission: 'form_submitted',
  form_submit: 'form_submitted',
  fill_out_form: 'form_submitted',
  webinar_attendance: 'webinar_attended',
  attended_webinar: 'webinar_attended',
  download: 'content_downloaded',
  downloaded: 'content_downloaded',
  meeting: 'meeting_booked',
  meeting_scheduled: 'meeting_booked',
  reply: 'replied',
  unsubscribe: 'unsubscribed',
  unsubscribe_email: 'unsubscribed',
  bounce: 'bounced',
  hard_bounce: 'bounced',
  complaint: 'complained',
  spam_report: 'complained',
  spamreport: 'complained',
  closed_won: 'became_customer',
  customer: 'became_customer',
};
