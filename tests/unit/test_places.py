"""Ecuador's political-administrative division shipped with the package, and the residence rule built on it."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emprende.domain.participants import places
from emprende.domain.participants.places import Canton, Parish, Province
from emprende.domain.shared.errors import InvalidInput

ALL_CANTONS = places.cantons()
ALL_PROVINCES = places.provinces()
ALL_NAMED: list[Province | Canton] = [*ALL_PROVINCES, *ALL_CANTONS]


def test_the_csv_ships_inside_the_package() -> None:
    data = resources.files("emprende.domain.participants.data").joinpath("ecuador-dpa.csv")
    assert data.is_file()
    rows = list(csv.DictReader(io.StringIO(data.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 1396
    assert list(rows[0]) == [
        "province_code",
        "province_name",
        "canton_code",
        "canton_name",
        "parish_code",
        "parish_name",
    ]


def test_counts() -> None:
    assert len(ALL_PROVINCES) == 24
    assert len(ALL_CANTONS) == 221
    assert sum(len(places.cantons(p.code)) for p in ALL_PROVINCES) == 221


def test_codes_are_well_formed_and_nested() -> None:
    for prov in ALL_PROVINCES:
        assert len(prov.code) == 2
        assert prov.code.isdigit()
    for cant in ALL_CANTONS:
        assert len(cant.code) == 4
        assert cant.code.isdigit()
        assert cant.code.startswith(cant.province_code)
        assert places.province(cant.province_code) is not None


def test_lists_are_sorted_by_code() -> None:
    assert [p.code for p in ALL_PROVINCES] == sorted(p.code for p in ALL_PROVINCES)
    assert [p.code for p in ALL_PROVINCES] == [f"{n:02d}" for n in range(1, 25)]
    assert [c.code for c in ALL_CANTONS] == sorted(c.code for c in ALL_CANTONS)
    pichincha = [c.code for c in places.cantons("17")]
    assert pichincha == sorted(pichincha)
    assert pichincha == ["1701", "1702", "1703", "1704", "1705", "1707", "1708", "1709"]


def test_cantons_of_an_unknown_province_is_empty() -> None:
    assert places.cantons("99") == []


def test_names_are_upper_case_as_in_the_file() -> None:
    assert places.province("02") == Province("02", "BOLIVAR", "Bolívar")
    assert places.canton("1701") == Canton("1701", "17", "QUITO", "Quito")
    for item in ALL_NAMED:
        assert item.name == item.name.upper()
        assert item.name == item.name.strip()


@pytest.mark.parametrize(
    ("code", "display_name"),
    [
        ("01", "Azuay"),
        ("02", "Bolívar"),
        ("03", "Cañar"),
        ("07", "El Oro"),
        ("12", "Los Ríos"),
        ("13", "Manabí"),
        ("14", "Morona Santiago"),
        ("17", "Pichincha"),
        ("19", "Zamora Chinchipe"),
        ("20", "Galápagos"),
        ("21", "Sucumbíos"),
        ("23", "Santo Domingo de los Tsáchilas"),
        ("24", "Santa Elena"),
    ],
)
def test_province_display_names(code: str, display_name: str) -> None:
    found = places.province(code)
    assert found is not None
    assert found.display_name == display_name


@pytest.mark.parametrize(
    ("code", "display_name"),
    [
        ("0102", "Girón"),
        ("0106", "Pucará"),
        ("0109", "Sígsig"),
        ("0110", "Oña"),
        ("0113", "Sevilla de Oro"),
        ("0304", "La Troncal"),
        ("0504", "Pujilí"),
        ("0602", "Alausí"),
        ("0902", "Alfredo Baquerizo Moreno (Juján)"),
        ("1316", "24 de Mayo"),
        ("1703", "Mejía"),
        ("1705", "Rumiñahui"),
        ("1707", "San Miguel de los Bancos"),
        ("1802", "Baños de Agua Santa"),
        ("1907", "Centinela del Cóndor"),
        ("2203", "La Joya de los Sachas"),
    ],
)
def test_canton_display_names(code: str, display_name: str) -> None:
    found = places.canton(code)
    assert found is not None
    assert found.display_name == display_name


def test_every_display_name_is_title_case() -> None:
    small = {"de", "del", "la", "las", "los", "el", "y", "en"}
    for item in ALL_NAMED:
        words = item.display_name.split()
        assert words[0][0].isupper() or words[0][0].isdigit()
        for word in words[1:]:
            core = word.lstrip("(")
            assert core in small or core[0].isupper(), item


def test_lookups() -> None:
    assert places.province("17") is places.province("17")
    assert places.province("99") is None
    assert places.province("") is None
    assert places.canton("0901") == Canton("0901", "09", "GUAYAQUIL", "Guayaquil")
    assert places.canton("0915") is None
    assert places.canton("17") is None


def test_parish_lookup() -> None:
    assert places.parish("170150") == Parish(
        "170150", "1701", "QUITO DISTRITO METROPOLITANO", "Quito Distrito Metropolitano"
    )
    found = places.parish("150451")
    assert found is not None
    assert found.name == "GONZALO DÍAZ DE PINEDA (EL BOMBÓN)"  # the file writes a lower-case í here
    assert found.display_name == "Gonzalo Díaz de Pineda (El Bombón)"
    assert not found.urban
    urban = places.parish("010101")
    assert urban is not None
    assert urban.urban
    assert places.parish("999999") is None


def test_loading_is_done_once() -> None:
    places._division.cache_clear()
    places.provinces()
    assert places._division.cache_info().misses == 1
    places.canton("1701")
    places.cantons("17")
    assert places._division.cache_info().misses == 1


def test_residence_valid_pair() -> None:
    assert places.check_residence("17", "1701") == ("17", "1701")


def test_residence_is_stripped() -> None:
    assert places.check_residence(" 17 ", "\t1701\n") == ("17", "1701")


def test_residence_province_alone() -> None:
    assert places.check_residence("09", None) == ("09", None)


def test_residence_canton_implies_province() -> None:
    assert places.check_residence(None, "0901") == ("09", "0901")
    assert places.check_residence("", "2301") == ("23", "2301")


@pytest.mark.parametrize(("province_code", "canton_code"), [(None, None), ("", ""), ("  ", None), (None, " ")])
def test_residence_blank(province_code: str | None, canton_code: str | None) -> None:
    assert places.check_residence(province_code, canton_code) == (None, None)


def test_residence_canton_of_another_province() -> None:
    with pytest.raises(InvalidInput) as caught:
        places.check_residence("09", "1701")
    assert caught.value.field == "canton_code"
    assert caught.value.code == "unknown_place"


@pytest.mark.parametrize("province_code", ["99", "00", "1", "170", "PI"])
def test_residence_unknown_province(province_code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        places.check_residence(province_code, None)
    assert caught.value.field == "province_code"
    assert caught.value.code == "unknown_place"
    assert str(caught.value) == "unknown province code"


def test_residence_unknown_province_wins_over_canton() -> None:
    with pytest.raises(InvalidInput) as caught:
        places.check_residence("99", "1701")
    assert caught.value.field == "province_code"


@pytest.mark.parametrize("canton_code", ["1706", "0000", "17", "170101", "abcd"])
def test_residence_unknown_canton(canton_code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        places.check_residence("17", canton_code)
    assert caught.value.field == "canton_code"
    assert caught.value.code == "unknown_place"
    with pytest.raises(InvalidInput) as caught:
        places.check_residence(None, canton_code)
    assert caught.value.field == "canton_code"


@given(st.sampled_from(ALL_CANTONS))
def test_a_canton_alone_gives_its_province(cant: Canton) -> None:
    assert places.check_residence(None, cant.code) == (cant.province_code, cant.code)
    assert places.check_residence(cant.province_code, cant.code) == (cant.province_code, cant.code)


@given(st.sampled_from(ALL_CANTONS), st.sampled_from(ALL_PROVINCES))
def test_a_canton_with_another_province_is_refused(cant: Canton, prov: Province) -> None:
    if prov.code == cant.province_code:
        assert places.check_residence(prov.code, cant.code) == (prov.code, cant.code)
    else:
        with pytest.raises(InvalidInput) as caught:
            places.check_residence(prov.code, cant.code)
        assert caught.value.field == "canton_code"


CODES = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from([p.code for p in ALL_PROVINCES] + [c.code for c in ALL_CANTONS]),
)


@given(CODES, CODES)
def test_residence_matches_a_reference(province_code: str | None, canton_code: str | None) -> None:
    prov = (province_code or "").strip() or None
    cant = (canton_code or "").strip() or None
    known_provinces = {p.code for p in ALL_PROVINCES}
    province_of = {c.code: c.province_code for c in ALL_CANTONS}
    if prov is not None and prov not in known_provinces:
        expected_field: str | None = "province_code"
    elif cant is not None and (cant not in province_of or prov not in {None, province_of[cant]}):
        expected_field = "canton_code"
    else:
        expected_field = None
    if expected_field is None:
        expected = (province_of[cant] if cant is not None else prov, cant)
        assert places.check_residence(province_code, canton_code) == expected
    else:
        with pytest.raises(InvalidInput) as caught:
            places.check_residence(province_code, canton_code)
        assert caught.value.code == "unknown_place"
        assert caught.value.field == expected_field
