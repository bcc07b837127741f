"""Marketing in a breach notice (Commission Regulation (EU) No 611/2013 Art 3(4)): "The notification to the
subscriber or individual shall not be used as an opportunity to promote or advertise new or additional
services." Pure functions.

A notice may tell people what to do and how to reach the provider; it may not sell. The detector looks
for what only selling needs, each kind with its own reason:

- a price: an amount of money in digits or words (£2, 2.99, 99p, "2 pounds", "two quid", "€5"), money per
  period ("a month", "monthly"), or a fee ("for a small monthly fee");
- a discount: "% off", "% less", "half price", "save", "reduced", "cheaper", "was … now";
- an offer: "offer", "deal", "promotion", "promo code", "voucher", "coupon", "free trial",
  "free for N months", "N months free", "try X for 30 days", "get 3 months at no cost", "limited time",
  "exclusive", "special price", "bonus";
- a call to buy: "buy", "purchase", "subscribe", "sign up", "upgrade", "add X for", "add X to your plan",
  "order now", "switch to", "get N% / get X for", "take out", "go premium", "renew your contract", "why not try";
- a product pitch: "our new/premium/plus … service/package/plan/bundle", or a call to add/get/take out a
  named tier ("SecureLine Plus", "Broadband Pro").

Decided on purpose (what a notice legitimately says):
- "call us free on 0800 …" is allowed: a freephone number costs the caller nothing and sells nothing;
  "free" alone is not an offer, but "free trial", "free for 3 months", "get X free" are;
- "credit monitoring at no cost to you for 12 months" is allowed: a remedy for the breach, and no price;
  "we offer free credit monitoring" is refused because of the word "offer" (word it as a measure), and so is
  "get 3 months of it at no cost": "at no cost" is an offer only after a call to get or try;
- "add two-step verification to your account" is security advice and allowed; what is added is a product
  when it is a named tier ("Add SecureLine Plus") or goes on a plan, bill or contract;
- "your monthly payment details were exposed" describes the breach: a period or a fee alone is no price;
- a reference number, a date or a telephone number is not a price (no currency, no "p").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|a\s+few|a\s+couple\s+of)"
)
NUMBER = rf"(?:\d+(?:\.\d+)?|{NUMBER_WORD}(?:[\s-]+{NUMBER_WORD})*)"
MONEY = (
    r"(?:[£$€]\s?\d[\d,]*(?:\.\d+)?"
    rf"|\b{NUMBER}\s?(?:p|pence|pounds?|quid|gbp|euros?|dollars?|bucks)\b|\bquid\b|\ba\s+(?:fiver|tenner)\b)"
)
PERIOD = r"(?:(?:a|per|each|every|/)\s?(?:month|mth|mo|year|yr|week|day|annum)\b|(?:monthly|weekly|yearly|annually)\b)"
SPAN = r"(?:days?|weeks?|months?|years?)"
NO_COST = r"(?:free|for\s+free|at\s+no\s+(?:extra\s+)?(?:cost|charge)|on\s+us|for\s+nothing|without\s+charge)"
# Case-sensitive: a named tier is capitalised ("SecureLine Plus"); "add two-step verification" is advice.
NAMED_TIER = r"(?-i:(?:[A-Z][\w-]*\s+){1,3}(?:Plus|Premium|Pro|Gold|Platinum|Max|Unlimited|Extra)\b)"


# What the wording page tells staff is refused.
SUMMARY = (
    "prices (£2, two pounds, 99p, per month, a small monthly fee)",
    "discounts (% off, % less, half price, save)",
    "offers (offer, free trial, 3 months at no cost, exclusive, limited time)",
    "calls to buy (buy, subscribe, upgrade, take out, go premium, renew your contract, add … for £…)",
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
    _p("a price", r"\bfor\s+(?:just\s+|only\s+)?an?\s+(?:[\w-]+\s+){0,2}(?:fee|charge|price|sum|subscription)\b"),
    _p("a price", r"\b(?:small|low|modest|tiny|little|affordable)\s+(?:[\w-]+\s+)?(?:fees?|charges?|prices?|sums?)\b"),
    _p(
        "a discount",
        r"\d+\s?%\s?(?:off|less|cheaper|lower)\b|\b(?:per\s?cent|percent)\s+(?:off|less|cheaper|lower)\b|\bhalf[\s-]price\b|\bhalf\s+off\b|\bprice\s+cut\b",
    ),
    _p("a discount", r"\bsave\s+(?:up\s+to\s+)?(?:\d|£|money)|\bmoney\s+off\b|\bwas\s+£?\d\S*\s+now\b"),
    _p("a discount", r"\bdiscount(?:s|ed)?\b|\breduced\s+(?:price|rate)s?\b|\bcheaper\b|\bbest\s+price\b"),
    _p(
        "an offer",
        r"\boffer(?:s|ed)?\b|\boffering\s+(?:you|a|an|free|our|customers)\b|\bpromotion(?:s|al)?\b|\bpromo\b|\bvouchers?\b|\bcoupons?\b",
    ),
    _p("an offer", r"\b(?:great|special|best|new|exclusive|unbeatable|bundle)\s+deals?\b|\bdeals\b"),
    _p("an offer", r"\bfree\s+trials?\b|\bfree\s+for\s+\d+|\b\d+\s+(?:months?|weeks?|days?)\s+free\b"),
    _p(
        "an offer",
        rf"\b(?:get|try|enjoy|claim|have)\s+(?:[\w-]+\s+){{0,3}}?{NUMBER}\s+{SPAN}\b[^.!?]{{0,30}}?\b{NO_COST}",
    ),
    _p("an offer", rf"\btry\s+(?:[\w-]+\s+){{1,4}}?for\s+{NUMBER}\s+{SPAN}\b|\btrial\s+(?:period|month|week)s?\b"),
    _p("an offer", r"\bget\s+\w+(?:\s\w+)?\s+free\b|\bfree\s+(?:gift|upgrade|months?)\b"),
    _p("an offer", r"\blimited[\s-]time\b|\bexclusive(?:ly)?\b|\bspecial\s+(?:price|rate|terms)\b|\bbonus\b"),
    _p("an offer", r"\bfor\s+a\s+limited\s+period\b|\bwhile\s+stocks\s+last\b|\bdon'?t\s+miss\b"),
    _p("a call to buy", r"\bbuy(?:ing)?\b|\bpurchas(?:e|ing)\b|\bsubscrib(?:e|ing)\b|\border\s+now\b|\bjoin\s+now\b"),
    _p("a call to buy", r"\bsign[\s-]?up\s+(?:now|today|to\s+our|for\s+our)\b|\bswitch\s+to\s+our\b"),
    _p("a call to buy", r"\bupgrade\s+(?:to|your|now|today|for)\b|\b(?:an|the|this)\s+upgrade\b|\bupgrades\b"),
    _p("a call to buy", r"\badd\s+(?:[\w-]+\s+){1,4}for\s+(?:just|only|£|\d|free|a\s+month)|\bget\s+\d+\s?%"),
    _p("a call to buy", r"\bwhy\s+not\s+(?:try|get|add|take|switch|upgrade|go|buy|join|sign|treat)\b"),
    _p(
        "a call to buy",
        r"\btake\s+out\s+(?:an?\s+|our\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:subscription|plan|policy|contract|cover|insurance|bundle|package|protection|plus|premium|pro)\b",
    ),
    _p(
        "a call to buy",
        r"\badd\s+(?:[\w-]+\s+){1,4}?to\s+your\s+(?:plan|contract|bill|tariff|package|subscription|bundle)\b",
    ),
    _p("a call to buy", r"\bgo\s+(?:premium|pro|plus|unlimited|gold|platinum)\b"),
    _p(
        "a call to buy",
        r"\b(?:renew|extend|upgrade)(?:s|ing)?\s+(?:your|the|a)\s+(?:contract|plan|subscription|tariff|package)\b",
    ),
    _p("a product pitch", rf"\b(?:add|get|take\s+out|try|activate|buy|choose|order|switch\s+to|join)\s+{NAMED_TIER}"),
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
    """Every marketing feature in the text, each (kind, matched words) once, in order of appearance; a match
    inside a longer one of the same kind is left out, so the reason names each phrase once."""
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(value or ""):
            key = (pattern.kind, " ".join(match.group(0).split()))
            spans.setdefault(key, match.span())
    kept = [key for key, span in spans.items() if not _inside_another(key, span, spans)]
    return [Finding(kind, text) for kind, text in sorted(kept, key=lambda key: spans[key][0])]


def _inside_another(key: tuple[str, str], span: tuple[int, int], spans: dict) -> bool:
    start, end = span
    return any(
        other != key and other[0] == key[0] and other_start <= start and end <= other_end
        for other, (other_start, other_end) in spans.items()
    )


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
