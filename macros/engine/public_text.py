"""Operational secrets that must never reach a public site: what a local variant's text may not hold.

A static site is public. A lone-working code word, a password, a personal mobile number or a home
address is given in person or kept in the service's own systems, never written into a slot text or a
local page. ``secrets_in`` finds them in a text; the variant loader reports each at its file and line
(``local.secret-in-public-text``). Phone numbers for the public belong in the help lines, which are
checked for form. The patterns are deliberately cautious: a false alarm costs a rewording, a missed
secret costs a person's safety. Pure Python.
"""

from __future__ import annotations

import re

__all__ = ["Finding", "secrets_in"]

# "code word", "safe word", "password", "passcode", "PIN", "door code", "key safe code", followed closely by
# the secret itself: in quotes or bold, after a colon, or after "is" (but not "is given in person").
_SECRET_WORD = re.compile(
    r"\b(?P<what>(?:code|safe|pass|secret)[ -]?(?:words?|phrases?)|passcodes?|PIN|door codes?|key[ -]?safe codes?)"
    r"\b[^.\n]{0,20}?(?:[\"“‘*]|[:=]\s*\w|\s[-–—]\s*\w|\bis\s+(?!(?:given|shared|agreed|kept|told|changed|set|known|"
    r"in|on|only|never|not|a|the|your|our|private|secret)\b)\w)", re.I)
# Saying a quoted phrase to the buddy or call-in contact is giving the code phrase away, whatever it is called.
_SAY_TO_BUDDY = re.compile(r"\b(?:say|text|use)\s+[\"“‘*][^\"”’*]{2,40}[\"”’*][^.\n]{0,40}\b(?:buddy|call-in|coordinator|"
                           r"duty)\b", re.I)
# A buddy rota: two or more "Name Weekday" pairs on one line.
_ROTA = re.compile(r"(?:\b[A-Z][a-z]+\s*[:(-]?\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b[^\n]*){2,}")
# A UK mobile number: 07 and nine more digits, or +44 7 and nine more, spaced or not.
_MOBILE = re.compile(r"(?<![\d+])(?:\+44\s?\(?0?\)?\s?7|07)(?:[\s-]?\d){9}(?!\d)")
# A UK postcode (upper case, as addresses write it), or a house number before a street name.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b")
_STREET = re.compile(r"\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][a-z']+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|"
                     r"Drive|Way|Crescent|Place|Gardens|Court|Terrace|Grove|Row|Walk|Rise|Mews|Square)\b")


class Finding(tuple):
    """(line within the text, 1-based; what was found, for the message; the matched words)."""

    @property
    def words(self) -> str:
        return self[2]

    @property
    def line(self) -> int:
        return self[0]

    @property
    def what(self) -> str:
        return self[1]


def secrets_in(text: str) -> list[Finding]:
    """Every operational secret in ``text``, with its line (1-based) and what it looks like."""
    found: list[Finding] = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _SECRET_WORD.finditer(line):
            found.append(Finding((number, f'a {match.group("what").lower()} given in the text ("{match.group(0).strip()}")',
                                  match.group(0))))
        if not any(f.line == number for f in found):
            for match in _SAY_TO_BUDDY.finditer(line):
                found.append(Finding((number, f'a code phrase given in the text ("{match.group(0).strip()}")',
                                      match.group(0))))
        for match in _ROTA.finditer(line):
            found.append(Finding((number, f"a rota of names and days ({match.group(0).strip()[:60]})",
                                  match.group(0))))
        for match in _MOBILE.finditer(line):
            found.append(Finding((number, f"a mobile number ({match.group(0).strip()})", match.group(0))))
        for match in _POSTCODE.finditer(line):
            found.append(Finding((number, f"a postcode ({match.group(0)})", match.group(0))))
        for match in _STREET.finditer(line):
            found.append(Finding((number, f"a street address ({match.group(0)})", match.group(0))))
    return found


#: What to do instead, for every message.
ADVICE = ("a public site must never hold it: code words and passwords are given in person by your coordinator, "
          "and personal numbers and home addresses stay in the service's own systems; public phone numbers go "
          "under help: lines")
