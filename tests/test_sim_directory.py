"""The directory is Hanoi as it really is: real units, real reorganisations, names that resolve."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from datetime import date

import pytest

from models.names import name_key
from simulator.directory import CITY_CODE, Directory
from simulator.naming import UNRESOLVABLE, typed_name


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(seed=61)


def _count(directory, loai, day):
    return len(directory.in_force(day, (loai,)))


def test_departments_21_then_15_plus_1(directory):
    assert _count(directory, "SO", date(2025, 2, 28)) == 21
    assert _count(directory, "SO", date(2025, 3, 1)) == 16


def test_thirty_district_level_units_until_july_2025(directory):
    districts = directory.in_force(date(2025, 6, 30), ("UBND_HUYEN",))
    kinds = defaultdict(int)
    for u in districts:
        kinds[u.name.split(" ")[4] if " thị xã " not in u.name else "thị xã"] += 1
    assert len(districts) == 30 and kinds == {"quận": 12, "huyện": 17, "thị xã": 1}
    assert _count(directory, "UBND_HUYEN", date(2025, 7, 1)) == 0
    assert {"Ủy ban nhân dân quận Ba Đình", "Ủy ban nhân dân thị xã Sơn Tây", "Ủy ban nhân dân huyện Ba Vì"} <= {
        u.name for u in districts}


def test_communes_several_hundred_then_126(directory):
    assert 500 <= _count(directory, "UBND_XA", date(2025, 6, 30)) <= 600
    after = directory.in_force(date(2025, 7, 1), ("UBND_XA",))
    assert len(after) == 126
    assert all(re.match(r"Ủy ban nhân dân (phường|xã) \S", u.name) for u in after)


def test_codes_follow_the_identifier_pattern_and_are_unique(directory):
    codes = [u.code for u in directory.units]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"000\.\d{2}\.\d{2}\.H26", c) for c in codes)
    assert directory.by_code["000.00.12.H26"].name == "Ủy ban nhân dân quận Ba Đình"
    assert all(u.parent in directory.by_code for u in directory.units if u.code != CITY_CODE)


def test_validity_dates_are_consistent(directory):
    for u in directory.units:
        assert u.valid_to is None or u.valid_to >= u.valid_from
    ended = [u for u in directory.units if u.valid_to == date(2025, 2, 28)]
    assert all(u.loai == "SO" for u in ended) and len(ended) == 8


def _key_owners(directory):
    owners = defaultdict(set)
    for u in directory.units:
        for name in (u.name, *u.aliases):
            owners[name_key(name)].add(u.code)
    return owners


def test_every_official_name_resolves_to_its_unit(directory):
    owners = _key_owners(directory)
    for u in directory.units:
        assert owners[name_key(u.name)] == {u.code}, u.name


def test_typed_names_resolve_except_the_deliberate_ones(directory):
    owners = _key_owners(directory)
    rng = random.Random(3)
    for u in directory.units:
        for _ in range(12):
            typed = typed_name(u, rng)
            found = owners[name_key(typed)]
            if len(found) == 2:
                assert typed == "Sở Nông nghiệp"  # the one ambiguous alias, on purpose
            else:
                assert found == {u.code}, (typed, u.name)
    assert all(not owners.get(name_key(n)) for n in UNRESOLVABLE)
