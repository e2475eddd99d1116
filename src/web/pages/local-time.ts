import { DateTime } from 'luxon';

/** "Europe/Berlin" → "Berlin", "America/Argentina/Buenos_Aires" → "Buenos Aires", "UTC" → "UTC". */
export const zoneCity = (zone: string) => (zone.split('/').pop() ?? zone).replace(/_/g, ' ');

/**
 * An instant as the lead reads it: "Thu 3 Dec, 09:00 (Berlin)" — short enough not to wrap in a
 * table; the exact ISO instant goes in the <time> element's datetime attribute.
 */
export function localTime(at: number | string, zone: string): string {
  const dt = typeof at === 'number' ? DateTime.fromMillis(at, { zone }) : DateTime.fromISO(at, { zone });
  if (!dt.isValid) return String(at);
  return `${dt.toFormat('ccc d LLL, HH:mm', { locale: 'en-US' })} (${zoneCity(zone)})`;
}

/** `<time datetime="ISO">Thu 3 Dec, 09:00 (Berlin)</time>`, for an ISO time with offset or an instant. */
export function timeHtml(at: number | string, zone: string, className = ''): string {
  const iso = typeof at === 'number' ? DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true }) : at;
  return `<time${className ? ` class="${className}"` : ''} datetime="${iso}">${localTime(at, zone)}</time>`;
}
