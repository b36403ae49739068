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
_TONE_RE = regex.compile("(?:" + "|".join(_TONE_MAP) + r")(?!\p{L})")
_SPACES = regex.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
_DROP = regex.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")


def _fix_tone(m: regex.Match) -> str:
    s = m.group(0)
    # "quý", "Quỳ": the u belongs to the consonant "qu"; leave it alone
    if m.start() > 0 and m.string[m.start() - 1] in "qQ":
        return s
    return _TONE_MAP.get(s, s)


def normalize_text(text: str) -> str:
    """Normalize a Vietnamese text (see module docstring). Idempotent."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00d0", "Đ").replace("\u0189", "Đ").replace("\u00f0", "đ")
    text = _DROP.sub("", text)
    text = _SPACES.sub(" ", text)
    return _TONE_RE.sub(_fix_tone, text)


def fold(text: str | None) -> str:
    """A comparison key: normalized, case-folded, single-spaced."""
    if not text:
        return ""
    return regex.sub(r"\s+", " ", normalize_text(text)).strip().casefold()
