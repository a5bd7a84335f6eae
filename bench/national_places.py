"""Addresses and secret dwellings for the national data set (generator v3).

Every address is invented: a common street name (there is a Storgatan in most Swedish
towns), a random number and postal code, and one of the generator's fictional
municipalities ("Stockholm kommun 3"). The household of the protected person (the person,
children, relatives) shares one address on the case; a threat actor usually has one of
their own. Drawn from the generator's second random stream (``_Generator.extra``), so the
rows generator v2 made are unchanged.

Secret dwellings (``SecretDwelling``, hemligt/skyddat boende) on ~6 % of open cases and
~3 % of closed ones (then ended); a third are "known only to assigned police staff".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bench.national_copy import Tables
from cases.models import SecretDwelling

if TYPE_CHECKING:
    from bench.national_rows import _Case, _Generator

STREETS = [
    "Storgatan",
    "Kyrkogatan",
    "Skolgatan",
    "Drottninggatan",
    "Kungsgatan",
    "Järnvägsgatan",
    "Parkvägen",
    "Björkvägen",
    "Ringvägen",
    "Industrigatan",
    "Ängsvägen",
    "Tallvägen",
    "Stationsgatan",
    "Villagatan",
    "Backvägen",
    "Granvägen",
]
DWELLINGS = [
    ("Tillfälligt skyddat boende", 50),
    ("Jourlägenhet via socialtjänsten", 25),
    ("Hos släkting på hemlig adress", 15),
    ("Skyddat boende (kvinnojour)", 10),
]
Address = tuple[str, str, str]  # street address, postal code, city


def address(g: _Generator, unit: int) -> Address:
    rng = g.extra
    town = rng.choice(g.social_by_unit[unit]).municipality_name
    street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
    if rng.random() < 0.4:
        street += f", lgh {rng.randint(1001, 1504)}"
    return street, f"{rng.randint(100, 984)} {rng.randint(10, 99):02d}", town


def participant_address(g: _Generator, unit: int, role: str, household: Address) -> Address:
    """The household's address for the protected person's family; a threat actor has an
    own address in seven cases of ten (else unknown: blank)."""
    if role != "threat_actor":
        return household
    return address(g, unit) if g.extra.random() < 0.7 else ("", "", "")


def secret_dwelling(g: _Generator, c: _Case, t: Tables, person_id: int) -> None:
    rng = g.extra
    if rng.random() >= (0.06 if c.closed is None else 0.03):
        return
    end = c.closed or g.today
    start = min(end, c.opened + timedelta(days=rng.randint(0, 60)))
    street, postal, town = address(g, c.unit)
    kinds = [k for k, _w in DWELLINGS]
    t.add(
        SecretDwelling,
        case_id=c.pk,
        person_id=person_id,
        description=rng.choices(kinds, weights=[w for _k, w in DWELLINGS])[0],
        address=f"{street}\n{postal} {town}\n(fiktiv adress)",
        police_only=rng.random() < 0.33,
        valid_from=start,
        valid_until=c.closed,
    )
