/**
 * Contact exports in each CRM's own header layout, as their export screens and tools write them
 * (HubSpot: property labels; Salesforce: Data Loader API names, quoted; Mautic: field aliases;
 * Pipedrive: "Person - " labels; Marketo: field labels; ActiveCampaign: every field quoted). `bom` and `crlf` follow what each tool
 * (or Excel, re-saving it) does to the bytes.
 */
export interface ExportFile {
  name: string;
  bom: boolean;
  crlf: boolean;
  lines: string[];
}

export const bytesOf = (f: ExportFile) =>
  `${f.bom ? '\uFEFF' : ''}${f.lines.join(f.crlf ? '\r\n' : '\n')}${f.crlf ? '\r\n' : '\n'}`;

export const HUBSPOT: ExportFile = {
  name: 'hubspot-contacts.csv',
  bom: true,
  crlf: true,
  lines: [
    'Record ID,First Name,Last Name,Email,Company Name,Job Title,Industry,Country/Region,State/Region,City,Time Zone,Lifecycle Stage,Marketing contact status,Unsubscribed from all email,Double opt-in,Contact owner,Phone Number',
    '101,Hannah,Okafor,hannah.okafor@quartzcloud.example,Quartz Cloud,Head of Marketing Operations,SaaS,Germany,,Berlin,,Lead,Marketing contact,false,confirmed,Sam Rep,+49 30 1234567',
    '102,Raj,Sharma,raj@lumen-analytics.example,Lumen Analytics,VP Sales,Software,India,,Pune,,Marketing Qualified Lead,Marketing contact,,confirmed,Sam Rep,',
    '103,Lucas,Silva,lucas@verdant-data.example,Verdant Data,Director of Growth,SaaS,Brasil,São Paulo,São Paulo,,Opportunity,Marketing contact,false,confirmed,Sam Rep,',
    '104,Emma,Clarke,emma.clarke@harborline.example,Harborline,Marketing Manager,SaaS,United States,California,San Francisco,america_slash_los_angeles,Lead,Marketing contact,false,confirmed,Sam Rep,',
    '105,Olu,Adeyemi,olu@northgate.example,Northgate,Head of Sales,SaaS,UK,,London,,Lead,Marketing contact,true,confirmed,Sam Rep,',
    '106,Mia,Brandt,mia.brandt@kiefer-werke.example,Kiefer Werke,Head of Marketing,Manufacturing,Deutschland,,Munich,,Lead,Non-marketing contact,false,confirmed,Sam Rep,',
    '107,Noah,Fischer,noah@alpenhaus.example,Alpenhaus,VP Marketing,SaaS,Austria,,Vienna,,Customer,Marketing contact,false,confirmed,Sam Rep,',
    '108,José,Núñez,jose@ñandú.example,Ñandú Software,Head of Revenue Operations,SaaS,España,Comunidad de Madrid,Madrid,,Lead,Marketing contact,false,confirmed,Sam Rep,',
    '109,,,info@tallyhouse.example,Tally House,,SaaS,GB,,,,Lead,Marketing contact,false,confirmed,Sam Rep,',
    '110,Ava,Turner,ava.turner@bluepeak.example,Bluepeak,Director of Marketing,SaaS,USA,,,,Lead,Marketing contact,false,confirmed,Sam Rep,',
  ],
};

export const SALESFORCE_LEADS: ExportFile = {
  name: 'salesforce-leads.csv',
  bom: false,
  crlf: true,
  lines: [
    '"Id","FirstName","LastName","Email","Company","Title","Industry","Country","State","City","LeadSource","Status","HasOptedOutOfEmail","Consent_Status__c"',
    '"00Q5e000001AbcDEA0","Priya","Shrestha","priya@himalaya-soft.example","Himalaya Soft","Head of Marketing","Software","Nepal","","Kathmandu","Web","Working - Contacted","false","confirmed"',
    '"00Q5e000001AbcEEA0","Jack","Wilson","jack.wilson@coral-metrics.example","Coral Metrics","VP Marketing","SaaS","Australia","New South Wales","Sydney","Webinar","Open - Not Contacted","false","confirmed"',
    '"00Q5e000001AbcFEA0","Chloé","Tremblay","chloe@erable-analytique.example","Érable Analytique","Director, Demand Generation","SaaS","Canada","Quebec","Montréal","Partner","Working - Contacted","false","confirmed"',
    '"00Q5e000001AbcGEA0","Ben","Carter","ben.carter@lonestar-cloud.example","Lone Star Cloud","Head of Growth","SaaS","US","TX","Austin","Web","Working - Contacted","true","confirmed"',
    '"00Q5e000001AbcHEA0","Lena","Vogel","lena.vogel@nordlicht.example","Nordlicht GmbH","Marketing Manager","SaaS","DEU","","Hamburg","Web","Closed - Converted","false","confirmed"',
    '"00Q5e000001AbcIEA0","Tom","Baker","tom.baker@denver-data.example","Denver Data","VP Revenue","SaaS","United States","","Denver","Web","Working - Contacted","0","confirmed"',
  ],
};

export const SALESFORCE_CONTACTS: ExportFile = {
  name: 'salesforce-contacts.csv',
  bom: false,
  crlf: true,
  lines: [
    '"Id","FirstName","LastName","Email","Account.Name","Title","MailingCountry","MailingState","MailingCity","HasOptedOutOfEmail"',
    '"0035e00000AbcDEA0","Sara","Lindqvist","sara@fjord-labs.example","Fjord Labs","Head of Marketing","Sweden","","Stockholm","false"',
    '"0035e00000AbcEEA0","Ravi","Menon","ravi@ghat-systems.example","Ghat Systems","Chief Marketing Officer","IND","","Bengaluru","true"',
  ],
};

export const MAUTIC: ExportFile = {
  name: 'mautic-contacts.csv',
  bom: false,
  crlf: false,
  lines: [
    'id,firstname,lastname,email,company,position,country,state,city,timezone,stage,points,dnc,date_identified',
    '1,Anna,Kowalska,anna@wisla-software.example,Wisła Software,Head of Marketing,Poland,,Kraków,,Lead,35,0,2026-10-01 09:00:00',
    '2,Pierre,Martin,pierre@seine-data.example,Seine Data,Directeur Marketing,France,,Paris,Europe/Paris,Lead,10,1,2026-10-02 09:00:00',
    '3,Maria,Santos,maria@atlantico.example,Atlântico Cloud,VP Marketing,Portugal,Lisboa,Lisbon,,Lead,20,,2026-10-03 09:00:00',
    '4,Kenji,Sato,kenji@sakura-analytics.example,Sakura Analytics,Head of Growth,Japan,,Tokyo,,Customer,80,0,2026-10-04 09:00:00',
  ],
};

export const PIPEDRIVE: ExportFile = {
  name: 'pipedrive-people.csv',
  bom: true,
  crlf: true,
  lines: [
    'Person - Name,Person - Organization,Person - Email - Work,Person - Phone - Work,Person - Label,Person - Marketing status,Person - Job title,Person - Country,Person - Owner',
    'Grace Hopper,Compiler Co,grace@compiler.example,+1 555 0100,Hot lead,Subscribed,Head of Engineering Marketing,Ireland,Dana Sales',
    'Alan Turing,Enigma Analytics,alan@enigma.example,,Warm lead,Unsubscribed,VP Marketing,United Kingdom,Dana Sales',
    'Ada Lovelace,Engine Works,ada@engine-works.example,,Customer,Subscribed,Director of Marketing,Netherlands,Dana Sales',
    'Linus Berg,Archived AB,linus@archived.example,,Cold lead,Archived,Marketing Manager,Sweden,Dana Sales',
  ],
};

export const MARKETO: ExportFile = {
  name: 'marketo-leads.csv',
  bom: false,
  crlf: true,
  lines: [
    'Id,First Name,Last Name,Email Address,Company Name,Job Title,Industry,Country,State,City,Unsubscribed,Email Invalid,Black Listed,Lead Status',
    '5001,Kim,Park,kim.park@hanriver.example,Han River Soft,Head of Marketing,SaaS,South Korea,,Seoul,false,false,false,MQL',
    '5002,Omar,Haddad,omar@cedar-cloud.example,Cedar Cloud,VP Marketing,SaaS,United Arab Emirates,,Dubai,false,true,false,MQL',
    '5003,Eva,Novak,eva@vltava.example,Vltava Data,Marketing Director,SaaS,Czechia,,Prague,false,false,true,MQL',
  ],
};

/** ActiveCampaign's contact export: every field quoted, list status per contact, tags comma-joined. */
export const ACTIVECAMPAIGN: ExportFile = {
  name: 'activecampaign-contacts.csv',
  bom: false,
  crlf: false,
  lines: [
    '"Contact ID","Email","First Name","Last Name","Phone","Account","Job Title","Country","Tags","Date Created","List Status"',
    '"1201","sofia.russo@laguna-data.example","Sofia","Russo","+39 02 555 0101","Laguna Data","Head of Demand Generation","Italy","webinar-2026, trial","2026-09-14 10:22:05","Active"',
    '"1202","tom.berg@fjord-bi.example","Tom","Berg","","Fjord BI","Marketing Manager","Norway","newsletter","2026-08-02 08:01:44","Unsubscribed"',
    '"1203","lena@bounce-works.example","Lena","Vogt","","Bounce Works","CMO","Austria","","2026-07-19 16:40:10","Bounced"',
  ],
};
