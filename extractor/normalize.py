"""Text normalization applied before any extraction.

Offsets of every record index the *normalized* text, which the `article` record carries, so
normalization must happen exactly once, here, and never change afterwards.

- Unicode NFC (some pages arrive decomposed);
- "Ð" (U+00D0, Icelandic eth) and "Ɖ" (U+0189), look-alikes used for "Đ", become "Đ";
- one tone-mark placement: the old style "hoà", "thuỷ" becomes the modern "hòa", "thủy"
  (only in open syllables at a word end, and never after "q", where "u" is a consonant);
- non-breaking, zero-width and other exotic spaces become a plain space; zero-width joiners
  and soft hyphens are dropped; line ends become "\n".
"""
from __future__ import annotations

import re
import unicodedata

import regex

_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_MAP = dict(_OLD_TONES)
for _k, _v in _OLD_TONES.items():
    _TONE_MAP[_k[0].upper() + _k[1]] = _v[0].upper() + _v[1]
    _TONE_MAP[_k.upper()] = _v.upper()
# candidates: o/u followed by a toned a, e or y at a word end; _fix_tone keeps only real pairs
_TONE_RE = re.compile(r"[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?![^\W\d_])")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u1680\u202f\u205f\u3000\t\x0b\x0c"), " ")
_SPACES.update(dict.fromkeys(range(0x2000, 0x200b), " "))
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_TRANSLATE = {**_SPACES, **_DROP, 0x00D0: "Đ", 0x0189: "Đ", 0x00F0: "đ"}
_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_WS = regex.compile(r"\s+")


def _fix_tone(m: re.Match) -> str:
    s = m.group(0)
    # "quý", "Quỳ": the u belongs to the consonant "qu"; leave it alone
    if m.start() > 0 and m.string[m.start() - 1] in "qQ":
        return s
    return _TONE_MAP.get(s, s)


def changes_words(text: str | None) -> bool:
    """Whether normalizing may change the words of `text` beyond its tone marks and NFC form
    (odd spaces, dropped characters, look-alike letters): if not, a search for words that have
    neither an old tone placement nor a decomposed letter may run on the text as it is."""
    return bool(text) and _SPECIAL.search(text) is not None


def normalize_text(text: str) -> str:
    """Normalize a Vietnamese text (see module docstring). Idempotent."""
    if not text:
        return ""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _SPECIAL.search(text):  # most texts have none of these: skip the (slow) translation
        text = text.translate(_TRANSLATE)
    return _TONE_RE.sub(_fix_tone, text)


def fold(text: str | None) -> str:
    """A comparison key: normalized, case-folded, single-spaced."""
    if not text:
        return ""
    return _WS.sub(" ", normalize_text(text)).strip().casefold()
