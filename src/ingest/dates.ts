// Feed dates → ISO 8601 UTC, or undefined. An unparseable or impossible date is absent: never a
// wrong date, never a throw. Accepts RFC 3339 / ISO 8601 (extended and basic) and W3C-DTF partial
// dates (`2023`, `2023-06`), RFC 822 / RFC 2822 and their real-world variants: missing weekday,
// two-digit years (RFC 2822 §4.3: 00–49 → 20xx, 50–99 → 19xx), zone names (RFC 822's plus common
// ones that are not ambiguous, North-American generic names AT/ET/CT/MT/PT, `Etc/GMT±n`),
// `GMT+0200`, AM/PM, month-first US order, year-first slashed dates (`2006/09/15`, `2020/1/10`),
// ISO 8601 ordinal (`2023-156`) and week (`2023-W23-1`) dates and hour-only times, and day/month
// names in English, French, German, Spanish, Italian, Portuguese, Dutch, Russian, Greek, Hungarian
// and Korean (`2023년 6월 4일`). A missing zone means UTC (RFC 2822's -0000 "unknown local
// time"). Not responsible for choosing which field a date came from.

const ISO =
  /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[Tt ]+(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?\s*([Zz]|(?:GMT|UTC)?\s*[+-]\d{2}(?::?\d{2})?)?$/
// ISO 8601 ordinal (`2023-156`) and week (`2023-W23-1`) dates, with an optional time and zone.
const ISO_ORDINAL =
  /^(\d{4})-?(?:(\d{3})|[Ww](\d{2})-?([1-7])?)(?:[Tt ]+(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d{1,9})?)?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

// Month names by language, index 1–12. Lower-case, without trailing dots.
const MONTHS: Array<[string, number]> = []
function months(list: string): void {
  list.split(';').forEach((group, i) => {
    for (const name of group.trim().split(/\s+/)) if (name) MONTHS.push([name, i + 1])
  })
}
months(
  'jan january janv janvier januar jän jänner ene enero gen gennaio janeiro januari январь января янв;' +
    'feb february fév févr fevr février fevrier februar febrero febbraio fev fevereiro februari февраль февраля фев февр;' +
    'mar march mars märz mär maerz marzo março maart март марта мар;' +
    'apr april avr avril abr abril aprile апрель апреля апр;' +
    'may mai mayo mag maggio maio mei май мая;' +
    'jun june juin juni junio giu giugno junho июнь июня июн;' +
    'jul july juil juillet juli julio lug luglio julho июль июля июл;' +
    'aug august aoû aou août aout ago agosto augustus авг август августа;' +
    'sep sept september septembre septiembre setiembre set settembre setembro сен сент сентябрь сентября;' +
    'oct october octobre okt oktober octubre ott ottobre out outubro октябрь октября окт;' +
    'nov november novembre noviembre novembro ноябрь ноября ноя нояб;' +
    'dec december déc décembre dez dezember dic diciembre dicembre dezembro desember декабрь декабря дек',
)
// Greek (nominative, genitive, abbreviated; with and without accents), then Hungarian.
months(
  'ιανουάριος ιανουαρίου ιαν ιανουαριος ιανουαριου;φεβρουάριος φεβρουαρίου φεβ φεβρουαριος φεβρουαριου;' +
    'μάρτιος μαρτίου μάρ μαρ μαρτιος μαρτιου;απρίλιος απριλίου απρ απριλιος απριλιου;' +
    'μάιος μαΐου μαΐ μάι μαι μαιος μαιου;ιούνιος ιουνίου ιούν ιουν ιουνιος ιουνιου;' +
    'ιούλιος ιουλίου ιούλ ιουλ ιουλιος ιουλιου;αύγουστος αυγούστου αύγ αυγ αυγουστος αυγουστου;' +
    'σεπτέμβριος σεπτεμβρίου σεπ σεπτεμβριος σεπτεμβριου;οκτώβριος οκτωβρίου οκτ οκτωβριος οκτωβριου;' +
    'νοέμβριος νοεμβρίου νοέ νοε νοεμβριος νοεμβριου;δεκέμβριος δεκεμβρίου δεκ δεκεμβριος δεκεμβριου',
)
months(
  'január;február febr;március márc;április ápr;május máj;június jún;július júl;augusztus;' +
    'szeptember szept;október;;',
)
const MONTH = new Map(MONTHS)

const WEEKDAYS = new Set(
  (
    'mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday saturday sunday ' +
    'lun mar mer jeu ven sam dim lundi mardi mercredi jeudi vendredi samedi dimanche ' +
    'mo di mi do fr sa so mon die mit don fre sam son montag dienstag mittwoch donnerstag freitag samstag sonntag ' +
    'mié mie jue vie sáb sab dom lunes martes miércoles miercoles jueves viernes sábado sabado domingo ' +
    'gio lunedì martedì mercoledì giovedì venerdì sabato domenica seg ter qua qui sex ' +
    'пн вт ср чт пт сб вс понедельник вторник среда четверг пятница суббота воскресенье ' +
    'ma wo vr za zo ' +
    'κυρ δευ τρι τετ πεμ πέμ παρ σαβ σάβ κυριακή δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο ' +
    'hétfő kedd szerda csütörtök péntek szombat vasárnap sze cs szo ' +
    '월요일 화요일 수요일 목요일 금요일 토요일 일요일'
  ).split(' '),
)

/** Words that carry no information in long-form dates ("4 de junio de 2023", "2023 г."). */
const FILLER = new Set([
  'de',
  'del',
  'of',
  'the',
  'at',
  'um',
  'à',
  'a',
  'le',
  'г',
  'года',
  'в',
  'às',
  'om',
  'alle',
])

// Zone abbreviations in minutes east of UTC. Only unambiguous ones (RFC 822's set and common
// others); IST (India/Ireland/Israel) and similar are left out so they make the date absent.
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  west: 60,
  cet: 60,
  met: 60,
  mez: 60,
  cest: 120,
  mest: 120,
  mesz: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  msd: 240,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  ast: -240,
  adt: -180,
  nst: -210,
  ndt: -150,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  acst: 570,
  acdt: 630,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  // North-American generic names (no daylight saving told): their standard time.
  at: -240,
  et: -300,
  ct: -360,
  mt: -420,
  pt: -480,
  akt: -540,
  'etc/gmt': 0,
  'etc/utc': 0,
  'etc/uct': 0,
  'etc/zulu': 0,
  'etc/universal': 0,
  'etc/greenwich': 0,
}

// `Etc/GMT+5` is POSIX-style: five hours *behind* UTC (the sign is inverted).
const ETC_GMT = /^etc\/gmt([+-])(\d{1,2})$/

function offsetMinutes(sign: string, hh: string, mm: string | undefined): number | undefined {
  const h = Number(hh)
  const m = mm ? Number(mm) : 0
  if (h > 14 || m > 59) return undefined
  return (sign === '-' ? -1 : 1) * (h * 60 + m)
}

function toIso(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offset: number,
): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined
  if (h === 24 && (mi > 0 || s > 0)) return undefined
  if (y < 1000 || y > 9999) return undefined
  if (s === 60) s = 59 // leap second: the nearest representable instant
  // 31 June would roll into 1 July: a day past its month's end was impossible.
  if (d > daysInMonth(y, mo)) return undefined
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000).toISOString()
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return DAYS_IN_MONTH[mo - 1]!
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28
}

function parseIso(m: RegExpExecArray): string | undefined {
  const [, y, mo, d, h, mi, s, frac, zone] = m
  let offset = 0
  if (zone && zone !== 'Z' && zone !== 'z') {
    const z = /([+-])(\d{2}):?(\d{2})?$/.exec(zone)
    if (!z) return undefined
    const o = offsetMinutes(z[1]!, z[2]!, z[3])
    if (o === undefined) return undefined
    offset = o
  }
  const ms = frac ? Math.floor(Number('0.' + frac) * 1000) : 0
  return toIso(
    Number(y),
    mo ? Number(mo) : 1,
    d ? Number(d) : 1,
    h ? Number(h) : 0,
    mi ? Number(mi) : 0,
    s ? Number(s) : 0,
    ms,
    offset,
  )
}

/** An ISO 8601 ordinal or week date (ISO_ORDINAL's groups) → ISO 8601 UTC, or undefined. */
function parseOrdinal(m: RegExpExecArray): string | undefined {
  const [, y, doy, week, weekday, h, mi, sec, zone] = m
  const year = Number(y)
  let dayOfYear: number
  if (doy !== undefined) dayOfYear = Number(doy)
  else {
    // ISO week 1 holds 4 January; weeks start on Monday (day 1).
    const jan4 = new Date(Date.UTC(year, 0, 4)).getUTCDay() || 7
    dayOfYear = (Number(week) - 1) * 7 + Number(weekday ?? 1) + 4 - jan4
  }
  const daysInYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365
  if (dayOfYear < 1 || dayOfYear > daysInYear || (week !== undefined && Number(week) > 53)) {
    return undefined
  }
  const date = new Date(Date.UTC(year, 0, dayOfYear))
  let offset = 0
  if (zone && zone !== 'Z' && zone !== 'z') {
    const z = /([+-])(\d{2}):?(\d{2})?$/.exec(zone)
    const o = z ? offsetMinutes(z[1]!, z[2]!, z[3]) : undefined
    if (o === undefined) return undefined
    offset = o
  }
  return toIso(
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    h ? Number(h) : 0,
    mi ? Number(mi) : 0,
    sec ? Number(sec) : 0,
    0,
    offset,
  )
}

const TOKEN = /[^\s,]+/g
// Year-first dates are unambiguous whatever the separator: `2006/09/15`, `2020/1/10`, `2006-09-15`.
const YMD = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\.?$/
// Korean: `2023년`, `6월`, `4일`.
const KOREAN = /^(\d{1,4})(년|월|일)$/
const TIME = /^(\d{1,2})[:h.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?(am|pm|a\.m\.|p\.m\.)?$/
const NUM_ZONE = /^(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?$/

/** Parse the free-form (RFC 822 family) date; undefined unless every token is understood. */
function parseLoose(input: string): string | undefined {
  const s = input.toLowerCase().replace(/\([^)]*\)/g, ' ')
  const tokens = s.match(TOKEN)
  if (!tokens) return undefined
  let year: number | undefined
  let month: number | undefined
  let day: number | undefined
  let h = 0
  let mi = 0
  let sec = 0
  let time = false
  let offset: number | undefined
  let pm: boolean | undefined
  const loose: number[] = []
  for (let t = 0; t < tokens.length; t++) {
    let tok = tokens[t]!
    if (tok.length > 1 && tok.endsWith('.') && !/^\d+\.$/.test(tok)) tok = tok.slice(0, -1)
    const c = tok.charCodeAt(0)
    if (c >= 48 && c <= 57) {
      const ymd = YMD.exec(tok)
      if (ymd) {
        if (year !== undefined || month !== undefined) return undefined
        year = Number(ymd[1])
        month = Number(ymd[2])
        loose.push(Number(ymd[3]))
        continue
      }
      const ko = KOREAN.exec(tok)
      if (ko) {
        const v = Number(ko[1])
        if (ko[2] === '년') {
          if (year !== undefined) return undefined
          year = v
        } else if (ko[2] === '월') {
          if (month !== undefined) return undefined
          month = v
        } else loose.push(v)
        continue
      }
      const tm = TIME.exec(tok)
      if (tm && !time) {
        time = true
        h = Number(tm[1])
        mi = Number(tm[2])
        sec = tm[3] ? Number(tm[3]) : 0
        if (tm[4]) pm = tm[4].startsWith('p')
        continue
      }
      // "2023-06-04" or "04/06/2023"-like tokens are ambiguous or belong to ISO: refuse.
      const num = /^(\d{1,4})(?:st|nd|rd|th|er|\.)?$/.exec(tok)
      if (!num) return undefined
      if (num[1]!.length >= 3) {
        if (year !== undefined) return undefined
        year = Number(num[1])
      } else loose.push(Number(num[1]))
      continue
    }
    if ((c === 43 || c === 45) && offset === undefined) {
      const z = NUM_ZONE.exec(tok)
      if (!z) return undefined
      offset = offsetMinutes(z[1]!, z[2]!, z[3])
      if (offset === undefined) return undefined
      continue
    }
    const zone = NUM_ZONE.exec(tok)
    if (zone && offset === undefined) {
      offset = offsetMinutes(zone[1]!, zone[2]!, zone[3])
      if (offset === undefined) return undefined
      continue
    }
    if (tok === 'am' || tok === 'pm' || tok === 'a.m' || tok === 'p.m') {
      pm = tok.startsWith('p')
      continue
    }
    if (tok === '오전' || tok === '오후') {
      pm = tok === '오후'
      continue
    }
    const etc = ETC_GMT.exec(tok)
    if (etc && offset === undefined) {
      offset = offsetMinutes(etc[1] === '+' ? '-' : '+', etc[2]!, undefined)
      if (offset === undefined) return undefined
      continue
    }
    const mon = MONTH.get(tok)
    // "mar" is March and the French/Spanish Tuesday: a leading weekday is followed by a month.
    if (
      mon !== undefined &&
      !(
        month === undefined &&
        day === undefined &&
        loose.length === 0 &&
        WEEKDAYS.has(tok) &&
        tokens.slice(t + 1).some((x) => MONTH.has(x.replace(/\.$/, '')))
      )
    ) {
      if (month !== undefined) return undefined
      month = mon
      continue
    }
    // "at" is filler ("June 4 at 2:00 PM") except as the last word after a time: Atlantic Time.
    const atlantic = tok === 'at' && time && t === tokens.length - 1 && offset === undefined
    if (!atlantic && (WEEKDAYS.has(tok) || FILLER.has(tok))) continue
    if (tok in ZONES && offset === undefined) {
      offset = ZONES[tok]
      continue
    }
    if (tok.length === 1 && tok >= 'a' && tok <= 'y' && offset === undefined) {
      offset = 0 // RFC 2822 §4.3: military zones are unreliable; treat as -0000 (UTC)
      continue
    }
    return undefined
  }
  if (month === undefined || month < 1 || month > 12) return undefined
  if (loose.length === 0 || loose.length > 2) return undefined
  day = loose[0]
  if (loose.length === 2) {
    if (year !== undefined) return undefined
    const yy = loose[1]!
    year = yy < 50 ? 2000 + yy : 1900 + yy
  } else if (year !== undefined && year < 1000) {
    year += 1900 // RFC 2822 obsolete three-digit years
  }
  if (year === undefined || day === undefined) return undefined
  if (pm !== undefined) {
    if (h < 1 || h > 12) return undefined
    h = (h % 12) + (pm ? 12 : 0)
  }
  return toIso(year, month, day, h, mi, sec, 0, offset ?? 0)
}

// The canonical RFC 822 shape most feeds use, read without tokenising.
const RFC822 =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC?|Z)$/
const EN_MONTH: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
}

function parseRfc822(m: RegExpExecArray): string | undefined {
  const month = EN_MONTH[m[2]!.toLowerCase()]
  if (month === undefined) return undefined
  const z = m[7]!
  let offset = 0
  if (z.charCodeAt(0) === 43 || z.charCodeAt(0) === 45) {
    const o = offsetMinutes(z[0]!, z.slice(1, 3), z.slice(3, 5))
    if (o === undefined) return undefined
    offset = o
  }
  return toIso(
    Number(m[3]),
    month,
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    m[6] ? Number(m[6]) : 0,
    0,
    offset,
  )
}

/** ISO 8601 UTC (`2023-06-04T12:00:00.000Z`) for a feed date, or undefined. */
export function parseDate(input: string | undefined): string | undefined {
  if (input === undefined) return undefined
  const s = input.trim()
  if (s === '' || s.length > 100) return undefined
  const iso = ISO.exec(s)
  if (iso) return parseIso(iso)
  const ordinal = ISO_ORDINAL.exec(s)
  if (ordinal) return parseOrdinal(ordinal)
  const rfc = RFC822.exec(s)
  // RFC 822's shape with a month name of another language (Portuguese `Set`, Italian `Gen`,
  // German `Okt`): the loose reader knows those names.
  const date = rfc ? parseRfc822(rfc) : undefined
  return date ?? parseLoose(s)
}
