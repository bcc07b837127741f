"""Marketing in a breach notice (Commission Regulation (EU) No 611/2013 Art 3(4)): "The notification to the
subscriber or individual shall not be used as an opportunity to promote or advertise new or additional
services." Pure functions.

A notice may tell people what to do and how to reach the provider; it may not sell. The detector looks
for what only selling needs, each kind with its own reason:

- a price: an amount of money (£2, 2.99, 99p, "2 pounds", "€5"), or money per period ("a month");
- a discount: "% off", "half price", "save", "reduced", "cheaper", "was … now";
- an offer: "offer", "deal", "promotion", "promo code", "voucher", "coupon", "free trial",
  "free for N months", "N months free", "limited time", "exclusive", "special price", "bonus";
- a call to buy: "buy", "purchase", "subscribe", "sign up", "upgrade", "add X for", "order now",
  "switch to", "get N% / get X for";
- a product pitch: "our new/premium/plus … service/package/plan/bundle".

Decided on purpose (what a notice legitimately says):
- "call us free on 0800 …" is allowed: a freephone number costs the caller nothing and sells nothing;
  "free" alone is not an offer, but "free trial", "free for 3 months", "get X free" are;
- "credit monitoring at no cost to you for 12 months" is allowed: a remedy for the breach, and no price;
  "we offer free credit monitoring" is refused because of the word "offer" (word it as a measure);
- a reference number, a date or a telephone number is not a price (no currency, no "p").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONEY = r"(?:[£$€]\s?\d[\d,]*(?:\.\d+)?|\b\d+(?:\.\d+)?\s?(?:p|pence|pounds?|gbp|euros?)\b)"
PERIOD = r"(?:a|per|each|every|/)\s?(?:month|mth|mo|year|yr|week|day|annum)\b"


# What the wording page tells staff is refused.
SUMMARY = (
    "prices (£2, 99p, per month)",
    "discounts (% off, half price, save)",
    "offers (offer, free trial, exclusive, limited time)",
    "calls to buy (buy, subscribe, upgrade, add … for £…)",
)


@dataclass(frozen=True)
class Pattern:
    kind: str
    regex: re.Pattern[str]


def _p(kind: str, pattern: str) -> Pattern:
    return Pattern(kind, re.compile(pattern, re.IGNORECASE))


PATTERNS = (
    _p("a price", MONEY),
    _p("a price", rf"\b(?:just|only|from)\s+\d+(?:\.\d+)?\s*{PERIOD}"),
    _p("a price", rf"\b\d+(?:\.\d+)?\s*{PERIOD}"),
    _p("a discount", r"\d+\s?%\s?off\b|\bper\s?cent\s+off\b|\bhalf[\s-]price\b|\bhalf\s+off\b|\bprice\s+cut\b"),
    _p("a discount", r"\bsave\s+(?:up\s+to\s+)?(?:\d|£|money)|\bmoney\s+off\b|\bwas\s+£?\d\S*\s+now\b"),
    _p("a discount", r"\bdiscount(?:s|ed)?\b|\breduced\s+(?:price|rate)s?\b|\bcheaper\b|\bbest\s+price\b"),
    _p(
        "an offer",
        r"\boffer(?:s|ed)?\b|\boffering\s+(?:you|a|an|free|our|customers)\b|\bpromotion(?:s|al)?\b|\bpromo\b|\bvouchers?\b|\bcoupons?\b",
    ),
    _p("an offer", r"\b(?:great|special|best|new|exclusive|unbeatable|bundle)\s+deals?\b|\bdeals\b"),
    _p("an offer", r"\bfree\s+trials?\b|\bfree\s+for\s+\d+|\b\d+\s+(?:months?|weeks?|days?)\s+free\b"),
    _p("an offer", r"\bget\s+\w+(?:\s\w+)?\s+free\b|\bfree\s+(?:gift|upgrade|months?)\b"),
    _p("an offer", r"\blimited[\s-]time\b|\bexclusive(?:ly)?\b|\bspecial\s+(?:price|rate|terms)\b|\bbonus\b"),
    _p("an offer", r"\bfor\s+a\s+limited\s+period\b|\bwhile\s+stocks\s+last\b|\bdon'?t\s+miss\b"),
    _p("a call to buy", r"\bbuy(?:ing)?\b|\bpurchas(?:e|ing)\b|\bsubscrib(?:e|ing)\b|\border\s+now\b|\bjoin\s+now\b"),
    _p("a call to buy", r"\bsign[\s-]?up\s+(?:now|today|to\s+our|for\s+our)\b|\bswitch\s+to\s+our\b"),
    _p("a call to buy", r"\bupgrade\s+(?:to|your|now|today|for)\b|\b(?:an|the|this)\s+upgrade\b|\bupgrades\b"),
    _p("a call to buy", r"\badd\s+(?:[\w-]+\s+){1,4}for\s+(?:just|only|£|\d|free|a\s+month)|\bget\s+\d+\s?%"),
    _p(
        "a product pitch",
        r"\bour\s+(?:new|premium|plus|pro|latest)\s+(?:\w+\s+){0,2}(?:service|package|plan|bundle|tariff|product)s?\b"
        r"|\b(?:bundle|add-on|addon)s?\b",
    ),
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    def describe(self) -> str:
        return f'{self.kind} ("{self.text}")'


def findings(value: str) -> list[Finding]:
    """Every marketing feature in the text, each (kind, matched words) once, in order of appearance."""
    found: dict[tuple[str, str], int] = {}
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(value or ""):
            key = (pattern.kind, " ".join(match.group(0).split()))
            found.setdefault(key, match.start())
    return [Finding(kind, text) for (kind, text), _ in sorted(found.items(), key=lambda item: item[1])]


def refusal(value: str) -> str | None:
    """Why the text may not go in a breach notice, or None when it does not sell."""
    found = findings(value)
    if not found:
        return None
    return (
        "a breach notice may not promote or advertise services (611/2013 Art 3(4)); it contains "
        + ", ".join(f.describe() for f in found)
        + ". Say what happened and what the person can do, without prices, offers or calls to buy"
    )
