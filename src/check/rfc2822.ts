/** RFC 2822 dates as RSS pubDates must be written (Apple refuses others): parsed strictly, with what is wrong. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZONES: Record<string, number> = { UT: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };
const RFC2822 = /^(?:([A-Za-z]{3}),\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|[A-Za-z]{1,3})$/;

/** The instant of an RFC 2822 date-time, or why it is not one. */
export function parseRfc2822(value: string): { date: Date } | { problem: string } {
  const m = RFC2822.exec(value.trim());
  if (!m) return { problem: 'not an RFC 2822 date ("Wed, 15 Jan 2020 18:00:00 GMT")' };
  const [, day, dd, mon, yyyy, hh, mi, ss, zone] = m as unknown as [string, string | undefined, string, string, string, string, string, string | undefined, string];
  const month = MONTHS.indexOf(mon);
  if (month < 0) return { problem: `"${mon}" is not an English month abbreviation` };
  let offset: number;
  if (/^[+-]\d{4}$/.test(zone)) {
    const minutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3));
    offset = zone[0] === '-' ? -minutes : minutes;
  } else {
    const known = ZONES[zone.toUpperCase()];
    if (known === undefined) return { problem: `time zone "${zone}" is not one RFC 2822 knows` };
    offset = known;
  }
  const [d, h, n, s] = [Number(dd), Number(hh), Number(mi), Number(ss ?? 0)];
  const utc = Date.UTC(Number(yyyy), month, d, h, n, s) - offset * 60_000;
  const check = new Date(Date.UTC(Number(yyyy), month, d));
  if (check.getUTCDate() !== d || h > 23 || n > 59 || s > 60) return { problem: 'the date or time is out of range' };
  if (day !== undefined) {
    if (!DAYS.includes(day)) return { problem: `"${day}" is not an English weekday abbreviation` };
    if (DAYS[check.getUTCDay()] !== day) return { problem: `${dd} ${mon} ${yyyy} is a ${DAYS[check.getUTCDay()]}, not a ${day}` };
  }
  return { date: new Date(utc) };
}

