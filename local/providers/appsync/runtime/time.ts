// util.time.*: ISO-8601 and Java DateTimeFormatter-style patterns (the common letters: y M d H h m s
// S a E Z X and 'quoted' text), in UTC or an IANA zone.

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: number;
  offsetMinutes: number;
}

const monthsShort = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const daysShort = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function offsetOf(ms: number, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Z') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - (ms - (ms % 1000))) / 60_000);
}

function partsOf(ms: number, timeZone: string): Parts {
  const offsetMinutes = offsetOf(ms, timeZone);
  const d = new Date(ms + offsetMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    weekday: d.getUTCDay(),
    offsetMinutes,
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function offsetText(minutes: number, colon: boolean, zForZero: boolean): string {
  if (minutes === 0 && zForZero) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60), 2)}${colon ? ':' : ''}${pad(abs % 60, 2)}`;
}

/** Splits a pattern into runs of one letter and literal text. */
function tokens(pattern: string): { letter?: string; text: string }[] {
  const out: { letter?: string; text: string }[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const stop = end === -1 ? pattern.length : end;
      out.push({ text: stop === i + 1 ? "'" : pattern.slice(i + 1, stop) });
      i = stop + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j += 1;
      out.push({ letter: c, text: pattern.slice(i, j) });
      i = j;
    } else {
      out.push({ text: c });
      i += 1;
    }
  }
  return out;
}

export function formatEpochMs(ms: number, pattern: string, timeZone = 'UTC'): string {
  const p = partsOf(ms, timeZone);
  return tokens(pattern)
    .map(({ letter, text }) => {
      const width = text.length;
      switch (letter) {
        case undefined:
          return text;
        case 'y':
        case 'u':
          return width === 2 ? pad(p.year % 100, 2) : pad(p.year, width);
        case 'M':
          return width >= 3 ? (monthsShort[p.month - 1] ?? '') : pad(p.month, width);
        case 'd':
          return pad(p.day, width);
        case 'H':
          return pad(p.hour, width);
        case 'h':
          return pad(p.hour % 12 === 0 ? 12 : p.hour % 12, width);
        case 'm':
          return pad(p.minute, width);
        case 's':
          return pad(p.second, width);
        case 'S':
          return pad(p.ms, 3).slice(0, width).padEnd(width, '0');
        case 'a':
          return p.hour < 12 ? 'AM' : 'PM';
        case 'E':
          return daysShort[p.weekday] ?? '';
        case 'Z':
          return offsetText(p.offsetMinutes, false, false);
        case 'X':
          return offsetText(p.offsetMinutes, width >= 3, true);
        case 'x':
          return offsetText(p.offsetMinutes, width >= 3, false);
        default:
          throw new Error(`unsupported date pattern letter "${letter}"`);
      }
    })
    .join('');
}

export function parseFormatted(input: string, pattern: string, timeZone = 'UTC'): number {
  const fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0, pm: false };
  let explicitOffset: number | undefined;
  let pos = 0;
  const digits = (max: number) => {
    const m = /^\d+/.exec(input.slice(pos, pos + max));
    if (!m) throw new Error(`cannot parse "${input}" with "${pattern}"`);
    pos += m[0].length;
    return Number(m[0]);
  };
  for (const { letter, text } of tokens(pattern)) {
    const w = Math.max(text.length, 2);
    switch (letter) {
      case undefined:
        pos += text.length;
        break;
      case 'y':
      case 'u':
        fields.year = digits(text.length === 2 ? 2 : 9);
        if (text.length === 2) fields.year += 2000;
        break;
      case 'M':
        if (text.length >= 3) {
          fields.month = monthsShort.indexOf(input.slice(pos, pos + 3)) + 1;
          pos += 3;
        } else fields.month = digits(w);
        break;
      case 'd':
        fields.day = digits(w);
        break;
      case 'H':
      case 'h':
        fields.hour = digits(w);
        break;
      case 'm':
        fields.minute = digits(w);
        break;
      case 's':
        fields.second = digits(w);
        break;
      case 'S':
        fields.ms = Math.round(Number(`0.${digits(text.length)}`) * 1000);
        break;
      case 'a':
        fields.pm = input.slice(pos, pos + 2).toUpperCase() === 'PM';
        pos += 2;
        break;
      case 'E':
        pos += 3;
        break;
      case 'Z':
      case 'X':
      case 'x': {
        if (input.charAt(pos) === 'Z') {
          explicitOffset = 0;
          pos += 1;
          break;
        }
        const m = /^([+-])(\d{2}):?(\d{2})?/.exec(input.slice(pos));
        if (!m) throw new Error(`cannot parse the offset in "${input}"`);
        pos += m[0].length;
        explicitOffset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
        break;
      }
      default:
        throw new Error(`unsupported date pattern letter "${letter}"`);
    }
  }
  if (fields.pm && fields.hour < 12) fields.hour += 12;
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const offset = explicitOffset ?? offsetOf(wall - offsetOf(wall, timeZone) * 60_000, timeZone);
  return wall - offset * 60_000 + fields.ms;
}

/** An offset with seconds (`+05:30:00`): ISO-8601 and AWSDateTime allow it, Date.parse does not. */
const offsetWithSeconds = /([+-])(\d{2}):(\d{2}):(\d{2})$/;

/** Epoch ms of an ISO-8601 date-time, as Java's ISO parser reads it (offsets to the second). */
function parseISO8601(text: string): number {
  const withSeconds = offsetWithSeconds.exec(text);
  const ms = withSeconds
    ? Date.parse(`${text.slice(0, withSeconds.index)}Z`) -
      (withSeconds[1] === '-' ? -1 : 1) *
        (Number(withSeconds[2]) * 3600 + Number(withSeconds[3]) * 60 + Number(withSeconds[4])) *
        1000
    : Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`"${text}" is not an ISO-8601 timestamp`);
  return ms;
}

/** The util.time object; `now` is injectable so tests and the server can pin the clock. */
export function createTimeUtils(now: () => number = Date.now) {
  return {
    nowISO8601: () => new Date(now()).toISOString(),
    nowEpochSeconds: () => Math.floor(now() / 1000),
    nowEpochMilliSeconds: () => now(),
    nowFormatted: (pattern: string, timeZone?: string) => formatEpochMs(now(), pattern, timeZone),
    parseFormattedToEpochMilliSeconds: (text: string, pattern: string, timeZone?: string) =>
      parseFormatted(text, pattern, timeZone),
    parseISO8601ToEpochMilliSeconds: parseISO8601,
    epochMilliSecondsToSeconds: (ms: number) => Math.floor(ms / 1000),
    epochMilliSecondsToISO8601: (ms: number) => new Date(ms).toISOString(),
    epochMilliSecondsToFormatted: (ms: number, pattern: string, timeZone?: string) =>
      formatEpochMs(ms, pattern, timeZone),
  };
}
