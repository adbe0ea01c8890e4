// HTML character references → text, in one pass. Feeds use HTML's named entities (`&eacute;`,
// `&nbsp;`, `&rsquo;`) in XML that never declares them, so every text field goes through here.
// Not responsible for markup (see html-text.ts) nor for DTD-declared entities, which are never
// expanded (safety: no billion laughs, no external entities).
// Follows WHATWG HTML "Named character references" and "numeric character reference end state"
// (the windows-1252 remapping of &#128;–&#159;, U+FFFD for invalid code points).

// name → code point(s), hexadecimal, space separated. HTML4's 252 plus the HTML5 names news feeds
// and CMSs actually emit. Kept as data (one string) so the table costs one split at load time.
const TABLE =
  'quot 22 amp 26 apos 27 lt 3c gt 3e nbsp a0 iexcl a1 cent a2 pound a3 curren a4 yen a5 brvbar a6 ' +
  'sect a7 uml a8 copy a9 ordf aa laquo ab not ac shy ad reg ae macr af deg b0 plusmn b1 sup2 b2 ' +
  'sup3 b3 acute b4 micro b5 para b6 middot b7 cedil b8 sup1 b9 ordm ba raquo bb frac14 bc ' +
  'frac12 bd frac34 be iquest bf Agrave c0 Aacute c1 Acirc c2 Atilde c3 Auml c4 Aring c5 AElig c6 ' +
  'Ccedil c7 Egrave c8 Eacute c9 Ecirc ca Euml cb Igrave cc Iacute cd Icirc ce Iuml cf ETH d0 ' +
  'Ntilde d1 Ograve d2 Oacute d3 Ocirc d4 Otilde d5 Ouml d6 times d7 Oslash d8 Ugrave d9 Uacute da ' +
  'Ucirc db Uuml dc Yacute dd THORN de szlig df agrave e0 aacute e1 acirc e2 atilde e3 auml e4 ' +
  'aring e5 aelig e6 ccedil e7 egrave e8 eacute e9 ecirc ea euml eb igrave ec iacute ed icirc ee ' +
  'iuml ef eth f0 ntilde f1 ograve f2 oacute f3 ocirc f4 otilde f5 ouml f6 divide f7 oslash f8 ' +
  'ugrave f9 uacute fa ucirc fb uuml fc yacute fd thorn fe yuml ff ' +
  // Latin Extended-A (Central European, Baltic, Turkish names)
  'Amacr 100 amacr 101 Abreve 102 abreve 103 Aogon 104 aogon 105 Cacute 106 cacute 107 Ccirc 108 ' +
  'ccirc 109 Cdot 10a cdot 10b Ccaron 10c ccaron 10d Dcaron 10e dcaron 10f Dstrok 110 dstrok 111 ' +
  'Emacr 112 emacr 113 Edot 116 edot 117 Eogon 118 eogon 119 Ecaron 11a ecaron 11b Gcirc 11c ' +
  'gcirc 11d Gbreve 11e gbreve 11f Gdot 120 gdot 121 Gcedil 122 Hcirc 124 hcirc 125 Hstrok 126 ' +
  'hstrok 127 Itilde 128 itilde 129 Imacr 12a imacr 12b Iogon 12e iogon 12f Idot 130 imath 131 ' +
  'inodot 131 IJlig 132 ijlig 133 Jcirc 134 jcirc 135 Kcedil 136 kcedil 137 kgreen 138 Lacute 139 ' +
  'lacute 13a Lcedil 13b lcedil 13c Lcaron 13d lcaron 13e Lmidot 13f lmidot 140 Lstrok 141 ' +
  'lstrok 142 Nacute 143 nacute 144 Ncedil 145 ncedil 146 Ncaron 147 ncaron 148 napos 149 ENG 14a ' +
  'eng 14b Omacr 14c omacr 14d Odblac 150 odblac 151 OElig 152 oelig 153 Racute 154 racute 155 ' +
  'Rcedil 156 rcedil 157 Rcaron 158 rcaron 159 Sacute 15a sacute 15b Scirc 15c scirc 15d Scedil 15e ' +
  'scedil 15f Scaron 160 scaron 161 Tcedil 162 tcedil 163 Tcaron 164 tcaron 165 Tstrok 166 ' +
  'tstrok 167 Utilde 168 utilde 169 Umacr 16a umacr 16b Ubreve 16c ubreve 16d Uring 16e uring 16f ' +
  'Udblac 170 udblac 171 Uogon 172 uogon 173 Wcirc 174 wcirc 175 Ycirc 176 ycirc 177 Yuml 178 ' +
  'Zacute 179 zacute 17a Zdot 17b zdot 17c Zcaron 17d zcaron 17e fnof 192 circ 2c6 caron 2c7 ' +
  'breve 2d8 dot 2d9 ring 2da ogon 2db tilde 2dc dblac 2dd ' +
  // Greek
  'Alpha 391 Beta 392 Gamma 393 Delta 394 Epsilon 395 Zeta 396 Eta 397 Theta 398 Iota 399 ' +
  'Kappa 39a Lambda 39b Mu 39c Nu 39d Xi 39e Omicron 39f Pi 3a0 Rho 3a1 Sigma 3a3 Tau 3a4 ' +
  'Upsilon 3a5 Phi 3a6 Chi 3a7 Psi 3a8 Omega 3a9 alpha 3b1 beta 3b2 gamma 3b3 delta 3b4 ' +
  'epsilon 3b5 epsi 3b5 zeta 3b6 eta 3b7 theta 3b8 iota 3b9 kappa 3ba lambda 3bb mu 3bc nu 3bd ' +
  'xi 3be omicron 3bf pi 3c0 rho 3c1 sigmaf 3c2 sigma 3c3 tau 3c4 upsilon 3c5 phi 3c6 chi 3c7 ' +
  'psi 3c8 omega 3c9 thetasym 3d1 upsih 3d2 piv 3d6 ' +
  // Cyrillic (HTML5 names; rare but cheap)
  'IOcy 401 Acy 410 Bcy 411 Vcy 412 Gcy 413 Dcy 414 IEcy 415 ZHcy 416 Zcy 417 Icy 418 Jcy 419 ' +
  'Kcy 41a Lcy 41b Mcy 41c Ncy 41d Ocy 41e Pcy 41f Rcy 420 Scy 421 Tcy 422 Ucy 423 Fcy 424 ' +
  'KHcy 425 TScy 426 CHcy 427 SHcy 428 SHCHcy 429 HARDcy 42a Ycy 42b SOFTcy 42c Ecy 42d YUcy 42e ' +
  'YAcy 42f acy 430 bcy 431 vcy 432 gcy 433 dcy 434 iecy 435 zhcy 436 zcy 437 icy 438 jcy 439 ' +
  'kcy 43a lcy 43b mcy 43c ncy 43d ocy 43e pcy 43f rcy 440 scy 441 tcy 442 ucy 443 fcy 444 ' +
  'khcy 445 tscy 446 chcy 447 shcy 448 shchcy 449 hardcy 44a ycy 44b softcy 44c ecy 44d yucy 44e ' +
  'yacy 44f iocy 451 ' +
  // General punctuation and spaces
  'ensp 2002 emsp 2003 emsp13 2004 emsp14 2005 numsp 2007 puncsp 2008 thinsp 2009 ThinSpace 2009 ' +
  'hairsp 200a VeryThinSpace 200a ZeroWidthSpace 200b NegativeThinSpace 200b zwnj 200c zwj 200d ' +
  'lrm 200e rlm 200f hyphen 2010 dash 2010 ndash 2013 mdash 2014 horbar 2015 Verbar 2016 ' +
  'lsquo 2018 OpenCurlyQuote 2018 rsquo 2019 rsquor 2019 CloseCurlyQuote 2019 sbquo 201a ' +
  'lsquor 201a ldquo 201c OpenCurlyDoubleQuote 201c rdquo 201d rdquor 201d ' +
  'CloseCurlyDoubleQuote 201d bdquo 201e ldquor 201e dagger 2020 Dagger 2021 ddagger 2021 ' +
  'bull 2022 bullet 2022 nldr 2025 hellip 2026 mldr 2026 permil 2030 pertenk 2031 prime 2032 ' +
  'Prime 2033 tprime 2034 bprime 2035 lsaquo 2039 rsaquo 203a oline 203e caret 2041 hybull 2043 ' +
  'frasl 2044 bsemi 204f qprime 2057 MediumSpace 205f NoBreak 2060 ApplyFunction 2061 ' +
  'InvisibleTimes 2062 InvisibleComma 2063 euro 20ac NonBreakingSpace a0 ' +
  // Letterlike, arrows, maths, shapes (HTML4 set plus common HTML5 aliases)
  'incare 2105 planck 210f hbar 210f image 2111 Im 2111 weierp 2118 wp 2118 real 211c Re 211c ' +
  'trade 2122 TRADE 2122 alefsym 2135 aleph 2135 copysr 2117 numero 2116 ohm 2126 ' +
  'frac13 2153 frac23 2154 frac15 2155 frac25 2156 frac35 2157 frac45 2158 frac16 2159 ' +
  'frac56 215a frac18 215b frac38 215c frac58 215d frac78 215e larr 2190 leftarrow 2190 ' +
  'uarr 2191 uparrow 2191 rarr 2192 rightarrow 2192 darr 2193 downarrow 2193 harr 2194 ' +
  'crarr 21b5 lArr 21d0 Leftarrow 21d0 uArr 21d1 rArr 21d2 Rightarrow 21d2 dArr 21d3 hArr 21d4 ' +
  'iff 21d4 forall 2200 comp 2201 part 2202 exist 2203 nexist 2204 empty 2205 emptyset 2205 ' +
  'nabla 2207 isin 2208 in 2208 notin 2209 ni 220b prod 220f coprod 2210 sum 2211 minus 2212 ' +
  'mnplus 2213 lowast 2217 compfn 2218 radic 221a Sqrt 221a prop 221d infin 221e ang 2220 ' +
  'mid 2223 par 2225 and 2227 or 2228 cap 2229 cup 222a int 222b there4 2234 therefore 2234 ' +
  'because 2235 sim 223c cong 2245 asymp 2248 ap 2248 ne 2260 equiv 2261 le 2264 leq 2264 ' +
  'ge 2265 geq 2265 ll 226a gg 226b sub 2282 sup 2283 nsub 2284 sube 2286 supe 2287 oplus 2295 ' +
  'otimes 2297 perp 22a5 sdot 22c5 lceil 2308 rceil 2309 lfloor 230a rfloor 230b lang 27e8 ' +
  'rang 27e9 loz 25ca lozenge 25ca spades 2660 clubs 2663 hearts 2665 diams 2666 ' +
  'squ 25a1 square 25a1 blacksquare 25aa squf 25aa utri 25b5 dtri 25bf ltri 25c3 rtri 25b9 ' +
  'cir 25cb star 2606 starf 2605 bigstar 2605 phone 260e female 2640 male 2642 flat 266d ' +
  'natural 266e sharp 266f check 2713 checkmark 2713 cross 2717 malt 2720 sext 2736 ' +
  'lbbrk 2772 rbbrk 2773 ' +
  // ASCII punctuation (HTML5)
  'Tab 9 NewLine a excl 21 QUOT 22 num 23 dollar 24 percnt 25 AMP 26 lpar 28 rpar 29 ast 2a ' +
  'midast 2a plus 2b comma 2c period 2e sol 2f colon 3a semi 3b LT 3c equals 3d GT 3e quest 3f ' +
  'commat 40 lsqb 5b lbrack 5b bsol 5c rsqb 5d rbrack 5d Hat 5e lowbar 5f UnderBar 5f grave 60 ' +
  'DiacriticalGrave 60 lcub 7b lbrace 7b verbar 7c vert 7c VerticalLine 7c rcub 7d rbrace 7d ' +
  'COPY a9 REG ae half bd centerdot b7 CenterDot b7 div f7 pm b1 PlusMinus b1 die a8 Dot a8 ' +
  'DoubleDot a8 strns af angst c5 ohgr 3c9 fflig fb00 filig fb01 fllig fb02 ffilig fb03 ' +
  'ffllig fb04'

/** Names HTML also recognises without the trailing `;` (legacy; WHATWG's table marks them). */
const LEGACY =
  'AElig AMP Aacute Acirc Agrave Aring Atilde Auml COPY Ccedil ETH Eacute Ecirc Egrave Euml GT ' +
  'Iacute Icirc Igrave Iuml LT Ntilde Oacute Ocirc Ograve Oslash Otilde Ouml QUOT REG THORN ' +
  'Uacute Ucirc Ugrave Uuml Yacute aacute acirc acute aelig agrave amp aring atilde auml brvbar ' +
  'ccedil cedil cent copy curren deg divide eacute ecirc egrave eth euml frac12 frac14 frac34 gt ' +
  'iacute icirc iexcl igrave iquest iuml laquo lt macr micro middot nbsp not ntilde oacute ocirc ' +
  'ograve ordf ordm oslash otilde ouml para plusmn pound quot raquo reg sect shy sup1 sup2 sup3 ' +
  'szlig thorn times uacute ucirc ugrave uml uuml yacute yen yuml'

const NAMED = new Map<string, string>()
{
  const parts = TABLE.split(' ')
  for (let i = 0; i + 1 < parts.length; i += 2) {
    NAMED.set(parts[i]!, String.fromCodePoint(parseInt(parts[i + 1]!, 16)))
  }
}
const LEGACY_NAMES = new Set(LEGACY.split(' '))

/** Number of named references the table knows (tests assert coverage). */
export const NAMED_ENTITY_COUNT = NAMED.size

/** The character a name stands for, or undefined. Exposed for tests. */
export function lookupEntity(name: string): string | undefined {
  return NAMED.get(name)
}

// WHATWG: numeric references to C1 controls mean the windows-1252 characters publishers intended.
const C1_REMAP: Record<number, number> = {
  0x80: 0x20ac,
  0x82: 0x201a,
  0x83: 0x0192,
  0x84: 0x201e,
  0x85: 0x2026,
  0x86: 0x2020,
  0x87: 0x2021,
  0x88: 0x02c6,
  0x89: 0x2030,
  0x8a: 0x0160,
  0x8b: 0x2039,
  0x8c: 0x0152,
  0x8e: 0x017d,
  0x91: 0x2018,
  0x92: 0x2019,
  0x93: 0x201c,
  0x94: 0x201d,
  0x95: 0x2022,
  0x96: 0x2013,
  0x97: 0x2014,
  0x98: 0x02dc,
  0x99: 0x2122,
  0x9a: 0x0161,
  0x9b: 0x203a,
  0x9c: 0x0153,
  0x9e: 0x017e,
  0x9f: 0x0178,
}

/** Longest name in the table: bounds how far a reference is scanned. */
const MAX_NAME = 32

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

function fromNumeric(cp: number): string {
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd'
  const mapped = cp >= 0x80 && cp <= 0x9f ? C1_REMAP[cp] : undefined
  return String.fromCodePoint(mapped ?? cp)
}

/** Set by decodeEntities when an `&` starts no reference it knows (an unescaped ampersand). */
export interface EntityReport {
  bare: boolean
}

/**
 * The XML five as the common case, checked by character code before any slicing or map lookup:
 * escaped HTML (Atom type="html", RSS descriptions without CDATA) is mostly `&lt;` and `&gt;`.
 */
function xmlFive(s: string, j: number): string | undefined {
  const a = s.charCodeAt(j)
  const b = s.charCodeAt(j + 1)
  if (a === 108 /* l */ && b === 116 /* t */ && s.charCodeAt(j + 2) === 59) return '<'
  if (a === 103 /* g */ && b === 116 /* t */ && s.charCodeAt(j + 2) === 59) return '>'
  if (a === 97 /* a */ && b === 109 /* m */ && s.startsWith('p;', j + 2)) return '&'
  if (a === 113 /* q */ && b === 117 /* u */ && s.startsWith('ot;', j + 2)) return '"'
  return undefined
}

/**
 * Decode every character reference in `s` in a single left-to-right pass. Unknown names and
 * malformed references stay as written (a lone `&` is text, as in HTML); `report.bare` says one
 * was seen.
 */
export function decodeEntities(s: string, report?: EntityReport): string {
  let amp = s.indexOf('&')
  if (amp === -1) return s
  let out = ''
  let last = 0
  const n = s.length
  while (amp !== -1) {
    let j = amp + 1
    let replacement = xmlFive(s, j)
    if (replacement !== undefined) {
      j += replacement === '<' || replacement === '>' ? 3 : replacement === '&' ? 4 : 5
    } else if (s.charCodeAt(j) === 35 /* # */) {
      j++
      let cp = 0
      let digits = 0
      const hex = (s.charCodeAt(j) | 32) === 120 /* x */
      if (hex) j++
      for (; j < n && digits < 9; j++, digits++) {
        const c = s.charCodeAt(j)
        if (c >= 48 && c <= 57) cp = cp * (hex ? 16 : 10) + (c - 48)
        else if (hex && (c | 32) >= 97 && (c | 32) <= 102) cp = cp * 16 + ((c | 32) - 87)
        else break
      }
      if (digits > 0) {
        replacement = fromNumeric(cp)
        if (s.charCodeAt(j) === 59 /* ; */) j++
      }
    } else {
      const limit = Math.min(n, j + MAX_NAME)
      while (j < limit && isAlnum(s.charCodeAt(j))) j++
      if (j > amp + 1) {
        const name = s.slice(amp + 1, j)
        if (s.charCodeAt(j) === 59) {
          replacement = NAMED.get(name)
          if (replacement !== undefined) j++
        } else if (LEGACY_NAMES.has(name) && s.charCodeAt(j) !== 61 /* = */) {
          // `&copy 2024` decodes as in HTML; `?a=1&copy=2` inside a URL does not.
          replacement = NAMED.get(name)
        }
      }
    }
    if (replacement !== undefined) {
      out += s.slice(last, amp) + replacement
      last = j
    } else if (report) report.bare = true
    amp = s.indexOf('&', replacement !== undefined ? j : amp + 1)
  }
  return last === 0 ? s : out + s.slice(last)
}
