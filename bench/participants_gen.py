"""Deterministic synthetic participants for the registry benchmarks: rows for COPY, or a CSV for the import.

Everything is derived from a seed and the row's index, in fixed chunks of `CHUNK` rows with their own random stream,
so that the same (seed, index) always gives the same person whatever the batch size or the starting index, and any
two index ranges give disjoint documents and identifiers (they are built from the index, not drawn at random).

The people are shaped like emprende's population in Ecuador: mostly Venezuelan and Colombian migrants and refugees,
Ecuadorian returnees and host-community members (population group and nationality correlated), living mostly in
Pichincha and Guayas and along the northern and southern borders, with Spanish compound names and accents, aged 18 to
65, some with an identity document (a cédula with a valid check digit for Ecuadorians, passports and refugee or
foreign ids for others), most with an Ecuadorian mobile phone.

    .venv/bin/python bench/participants_gen.py --size 10000 --csv /tmp/people.csv          # CSV for the import
    .venv/bin/python bench/participants_gen.py --size 1000 --sample                        # a few rows, for a look
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import random
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import orjson

from emprende.domain.participants.matching import name_key, search_key
from emprende.domain.participants.places import cantons

CHUNK = 50_000  # rows per random stream; fixed so that a row does not depend on how it is batched
MAX_INDEX = 6_000_000  # documents are built from the index and stay unique below it
DEFAULT_SEED = 20261123
REFERENCE_DAY = date(2026, 11, 1)  # ages and registration dates are relative to it, not to the clock
REGISTERED_FROM = datetime(2024, 1, 1, tzinfo=UTC)
REGISTERED_SECONDS = int((datetime(2026, 11, 1, tzinfo=UTC) - REGISTERED_FROM).total_seconds())
PARTNERS = 20
NOTICE_VERSION = "2026-01"
FIXED_TIME = datetime(2023, 12, 1, tzinfo=UTC)

# --- who: population group, then nationality and migratory status given the group -----------------------------------
GROUPS = (("migrant", 50), ("refugee_or_asylum_seeker", 13), ("returnee", 9), ("host_community", 28))
NATIONALITY_BY_GROUP: dict[str, tuple[tuple[str, int], ...]] = {
    "migrant": (("VEN", 80), ("COL", 15), ("PER", 3), ("CUB", 2)),
    "refugee_or_asylum_seeker": (("COL", 58), ("VEN", 40), ("HTI", 2)),
    "returnee": (("ECU", 1),),
    "host_community": (("ECU", 1),),
}
STATUS_BY_GROUP: dict[str, tuple[tuple[str | None, int], ...]] = {
    "migrant": (("regular", 45), ("in_process", 25), ("irregular", 20), ("not_stated", 5), (None, 5)),
    "refugee_or_asylum_seeker": (("refugee", 45), ("asylum_seeker", 45), ("not_stated", 5), (None, 5)),
    "returnee": (("not_applicable", 90), (None, 10)),
    "host_community": (("not_applicable", 90), (None, 10)),
}
SEXES = (("female", 540), ("male", 450), ("intersex", 2), ("not_stated", 8))
EDUCATION = (
    (None, 20),
    ("none", 3),
    ("primary", 17),
    ("secondary", 35),
    ("technical", 10),
    ("university", 13),
    ("postgraduate", 2),
)

# --- where: INEC province codes, skewed to the capitals and the border provinces -------------------------------------
PROVINCES = (
    ("17", 30),  # Pichincha
    ("09", 21),  # Guayas
    ("07", 8),  # El Oro
    ("13", 7),  # Manabí
    ("10", 6),  # Imbabura
    ("04", 6),  # Carchi
    ("21", 5),  # Sucumbíos
    ("01", 5),  # Azuay
    ("23", 4),  # Santo Domingo de los Tsáchilas
    ("08", 3),  # Esmeraldas
    ("18", 3),  # Tungurahua
    ("11", 2),  # Loja
)
CAPITAL_SHARE = 0.65  # of a province's people live in its first canton (the capital: Quito, Guayaquil, Machala…)

# --- names ---------------------------------------------------------------------------------------------------------
FEMALE_NAMES = (
    "María", "Ana", "Luisa", "Carmen", "Rosa", "Daniela", "Gabriela", "Andrea", "Valentina", "Sofía", "Camila",
    "Isabel", "Fernanda", "Alejandra", "Mariana", "Yohana", "Johana", "Yuleisy", "Yusmary", "Génesis", "Marisol",
    "Verónica", "Mónica", "Patricia", "Lucía", "Elena", "Belén", "Dayana", "Nathaly", "Jimena", "Inés", "Raquel",
    "Zulay", "Yolanda", "Milagros", "Paola", "Estefanía", "Josefina", "Angélica", "Noemí", "Teresa", "Adriana",
)  # fmt: skip
MALE_NAMES = (
    "José", "Juan", "Carlos", "Luis", "Jesús", "Ángel", "Miguel", "Andrés", "David", "Daniel", "Jorge", "Pedro",
    "Fernando", "Alejandro", "Ricardo", "Manuel", "Javier", "Óscar", "Yeferson", "Jhon", "Wilmer", "Darwin", "Édgar",
    "Nicolás", "Sebastián", "Martín", "Tomás", "Rubén", "Héctor", "Ramón", "Julián", "Adrián", "Iván", "Efraín",
    "Segundo", "Patricio", "Byron", "Wilson", "Franklin", "Germán", "Joaquín", "Leonardo",
)  # fmt: skip
FAMILY_NAMES = (
    "Pérez", "González", "Rodríguez", "Hernández", "García", "Martínez", "López", "Sánchez", "Ramírez", "Torres",
    "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Jiménez", "Ruiz", "Álvarez", "Romero", "Suárez",
    "Muñoz", "Núñez", "Peña", "Castillo", "Vásquez", "Rojas", "Medina", "Guerrero", "Mendoza", "Castro", "Ortiz",
    "Chávez", "Gutiérrez", "Salazar", "Zambrano", "Vera", "Cedeño", "Moreira", "Macías", "Mera", "Intriago",
    "Quishpe", "Guamán", "Tipán", "Chalá", "Caicedo", "Quiñónez", "Andrade", "Villacís", "Paredes", "Espinoza",
    "Carrión", "Benítez", "Montaño", "Córdova", "Ibarra", "Cárdenas", "De la Cruz", "Del Pozo", "Ordóñez", "Yánez",
)  # fmt: skip

# Columns of the COPY rows, in table order; bulk_rows() yields tuples in this order.
PARTICIPANT_COLUMNS = (
    "id", "owner_partner_id", "given_names", "family_names", "name_key", "birth_date", "birth_year", "sex",
    "gender_identity", "population_group", "nationality", "migratory_status", "documents", "disability",
    "has_disability", "household_size", "dependants", "education_level", "province_code", "canton_code", "phone",
    "email", "preferred_language", "external_ids", "registered_at", "registered_by", "updated_at", "erased_at",
    "merged_into_id", "version",
)  # fmt: skip
CONSENT_COLUMNS = (
    "id", "participant_id", "purpose", "recipient_partner_id", "notice_version", "language", "method", "given_at",
    "recorded_at", "recorded_by", "withdrawn_at",
)  # fmt: skip
IDENTIFIER_COLUMNS = ("key", "participant_id")
PARTNER_COLUMNS = (
    "id", "name", "kind", "country", "ruc", "contact_email", "contact_phone", "status", "suspension_reason",
    "created_at", "updated_at", "version",
)  # fmt: skip
AGREEMENT_COLUMNS = (
    "id", "partner_id", "code", "title", "roles", "start_date", "end_date", "current_end_date", "data_sharing",
    "document_reference", "is_draft", "terminated_on", "termination_reason", "amendments", "created_at",
    "updated_at", "version",
)  # fmt: skip
CSV_COLUMNS = (
    "given_names", "family_names", "birth_date", "sex", "population_group", "nationality", "document_type",
    "document_number", "document_country", "province_code", "canton_code", "phone", "external_system",
    "external_value", "consent_notice_version", "consent_method",
)  # fmt: skip

# Partners own very different numbers of people (a few big agencies, many small organisations): Zipf-like weights.
PARTNER_WEIGHTS = tuple(1 / (rank + 1) ** 0.9 for rank in range(PARTNERS))
PARTNER_NAMES = (
    "Agencia de Desarrollo Local Quito", "Fundación Esperanza Sin Fronteras", "Cámara de Comercio de Guayaquil",
    "Universidad Técnica del Norte", "Servicio Jesuita a Refugiados Ecuador", "Misión Scalabriniana", "HIAS Ecuador",
    "Banco de Desarrollo Comunitario", "Cooperativa de Ahorro Jardín Azuayo", "Fundación Alas de Colibrí",
    "GAD Municipal de Machala", "GAD Provincial de Sucumbíos", "Asociación Venezolanos en Manabí",
    "Red Mujeres Emprendedoras del Carchi", "Universidad de Cuenca", "Fundación Tulcán Solidario",
    "Corporación Ibarra Emprende", "Cruz Roja Ecuatoriana, junta de El Oro", "Fundación Santo Domingo Crece",
    "Esmeraldas Productiva",
)  # fmt: skip
PARTNER_KINDS = (
    "government",
    "ngo",
    "private_sector",
    "academia",
    "international_cooperation",
    "financial_institution",
)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass(frozen=True, slots=True)
class _Choice:
    """Weighted choice by bisection over cumulative weights (faster than random.choices for one draw)."""

    values: tuple[Any, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[Any, float]]) -> _Choice:
        return cls(tuple(value for value, _ in pairs), tuple(_cumulative([weight for _, weight in pairs])))

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_GROUP = _Choice.of(GROUPS)
_NATIONALITY = {group: _Choice.of(pairs) for group, pairs in NATIONALITY_BY_GROUP.items()}
_STATUS = {group: _Choice.of(pairs) for group, pairs in STATUS_BY_GROUP.items()}
_SEX = _Choice.of(SEXES)
_EDUCATION = _Choice.of(EDUCATION)
_PROVINCE = _Choice.of(PROVINCES)
_PARTNER_INDEX = _Choice.of(list(enumerate(PARTNER_WEIGHTS)))


@cache
def _cantons(province_code: str) -> tuple[str, ...]:
    return tuple(canton.code for canton in cantons(province_code))


@cache
def _key(part: str) -> str:
    return search_key(part)


def partner_id(seed: int, index: int) -> uuid.UUID:
    """The id of partner `index` (0 is the biggest) for this seed."""
    return uuid.UUID(int=random.Random(f"partner:{seed}:{index}").getrandbits(128), version=4)


def cedula(province_code: str, serial: int) -> str:
    """A valid Ecuadorian cédula: province, a third digit below 6, six digits, and the modulo-10 check digit."""
    body = f"{province_code}{serial // 1_000_000 % 6}{serial % 1_000_000:06d}"
    total = 0
    for position, digit in enumerate(body):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return body + str((10 - total % 10) % 10)


def _scramble(index: int, modulus: int, factor: int) -> int:
    """A bijection of [0, modulus): unique values that do not look sequential (factor coprime with modulus)."""
    return (index * factor + 7919) % modulus


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic participant: what the registry stores about them plus their registration consent."""

    index: int
    id: uuid.UUID
    partner: int
    given_names: str
    family_names: str
    name_key: str
    birth_date: date
    sex: str
    population_group: str
    nationality: str
    migratory_status: str | None
    document: tuple[str, str, str] | None  # (type, number, issuing country)
    external: tuple[str, str] | None  # (system, value)
    household_size: int | None
    dependants: int | None
    education_level: str | None
    province_code: str | None
    canton_code: str | None
    phone: str | None
    email: str | None
    registered_at: datetime
    consent_method: str
    shared_with: int | None  # another partner this person consented to share with, if any


def _names(rng: random.Random, pool: Sequence[str], two: float) -> str:
    first = rng.choice(pool)
    if rng.random() < two:
        second = rng.choice(pool)
        if second != first:
            return f"{first} {second}"
    return first


def _document(rng: random.Random, index: int, nationality: str, group: str, province_code: str | None) -> Any:
    serial = _scramble(index, MAX_INDEX, 2_750_003)
    draw = rng.random()
    if nationality == "ECU":
        if draw < 0.75:
            return ("cedula", cedula(province_code or "17", serial), "ECU")
        return None
    if group == "refugee_or_asylum_seeker" and draw < 0.35:
        return ("refugee_id", f"{serial:09d}", "ECU")
    if draw < 0.45:
        if nationality == "VEN":
            return ("passport", f"1{serial:08d}", "VEN")
        if nationality == "COL":
            return ("passport", f"A{serial:08d}", "COL")
        return ("passport", f"P{serial:08d}", nationality)
    if draw < 0.55:
        # a cédula de extranjero: Ecuadorian numbering with province 30 (foreigners)
        return ("foreign_id", cedula("30", serial), "ECU")
    return None


def _person(rng: random.Random, seed: int, index: int) -> Person:
    group = _GROUP.pick(rng)
    nationality = _NATIONALITY[group].pick(rng)
    sex = _SEX.pick(rng)
    female = sex == "female" or (sex != "male" and rng.random() < 0.5)
    given = _names(rng, FEMALE_NAMES if female else MALE_NAMES, 0.7)
    family = _names(rng, FAMILY_NAMES, 0.85)
    key = f"{' '.join(_key(part) for part in given.split())} {' '.join(_key(part) for part in family.split())}"
    age_days = rng.randrange(18 * 365 + 5, 65 * 365)
    birth = REFERENCE_DAY - timedelta(days=age_days)
    province_code = _PROVINCE.pick(rng) if rng.random() < 0.95 else None
    canton_code = None
    if province_code is not None and rng.random() < 0.9:
        options = _cantons(province_code)
        canton_code = options[0] if rng.random() < CAPITAL_SHARE else rng.choice(options)
    household = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7)) if rng.random() < 0.7 else None
    dependants = rng.randrange(0, household) if household is not None and rng.random() < 0.8 else None
    phone = f"+593{rng.choice((98, 99))}{rng.randrange(10_000_000):07d}" if rng.random() < 0.8 else None
    external = None
    draw = rng.random()
    if group == "refugee_or_asylum_seeker" and draw < 0.5:
        external = ("unhcr.progres", f"ECU-{_scramble(index, 10**8, 7_777_777):08d}")
    elif draw < 0.08:
        external = ("sigob", f"SG{_scramble(index, 10**9, 123_456_791):09d}")
    registered = REGISTERED_FROM + timedelta(
        seconds=rng.randrange(REGISTERED_SECONDS), microseconds=rng.randrange(10**6)
    )
    partner = _PARTNER_INDEX.pick(rng)
    shared_with = None
    if rng.random() < 0.03:
        shared_with = (partner + 1 + rng.randrange(PARTNERS - 1)) % PARTNERS
    email = None
    if rng.random() < 0.2:
        email = f"{key.split()[0]}.{index}@correo.example"
    # UUIDv7-like, as emprende's new_id: registration time in the first 48 bits, then random bits.
    millis = int(registered.timestamp() * 1000)
    raw = (millis << 80) | rng.getrandbits(80)
    raw = (raw & ~(0xF << 76) & ~(0x3 << 62)) | (0x7 << 76) | (0x2 << 62)  # version 7, RFC 4122 variant
    person_id = uuid.UUID(int=raw)
    return Person(
        index=index,
        id=person_id,
        partner=partner,
        given_names=given,
        family_names=family,
        name_key=key,
        birth_date=birth,
        sex=sex,
        population_group=group,
        nationality=nationality,
        migratory_status=_STATUS[group].pick(rng),
        document=_document(rng, index, nationality, group, province_code),
        external=external,
        household_size=household,
        dependants=dependants,
        education_level=_EDUCATION.pick(rng),
        province_code=province_code,
        canton_code=canton_code,
        phone=phone,
        email=email,
        registered_at=registered,
        consent_method="in_person" if rng.random() < 0.8 else "digital",
        shared_with=shared_with,
    )


def people(seed: int, start: int, count: int) -> Iterator[Person]:
    """The people with indexes start … start+count-1 for this seed (each CHUNK has its own random stream)."""
    if start < 0 or count < 0 or start + count > MAX_INDEX:
        raise ValueError(f"indexes must stay within [0, {MAX_INDEX})")
    index, end = start, start + count
    while index < end:
        chunk = index // CHUNK
        rng = random.Random(f"people:{seed}:{chunk}")
        first = chunk * CHUNK
        for position in range(first, min(first + CHUNK, end)):
            person = _person(rng, seed, position)
            if position >= index:
                yield person
        index = min(first + CHUNK, end)


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(slots=True)
class BulkChunk:
    """COPY-ready records for one batch: participants, their identifier keys and their consents."""

    participants: list[tuple[Any, ...]]
    identifiers: list[tuple[Any, ...]]
    consents: list[tuple[Any, ...]]


def bulk_rows(seed: int, start: int, count: int, batch: int = CHUNK) -> Iterator[BulkChunk]:
    """Records in table column order (asyncpg `copy_records_to_table`), `batch` people at a time.

    JSON columns are JSON text, enums their values, timestamps timezone-aware UTC, as the tables expect."""
    partners = [partner_id(seed, number) for number in range(PARTNERS)]
    chunk = BulkChunk([], [], [])
    consent_rng = random.Random(f"consents:{seed}:{start}")
    for person in people(seed, start, count):
        documents = []
        identifiers = []
        if person.document is not None:
            kind, number, country = person.document
            documents.append({"type": kind, "number": number, "issuing_country": country})
            identifiers.append((f"{kind}:{country}:{number}", person.id))
        external_ids = []
        if person.external is not None:
            system, value = person.external
            external_ids.append({"system": system, "value": value})
            identifiers.append((f"ext:{system}:{value}", person.id))
        owner = partners[person.partner]
        at = person.registered_at
        chunk.participants.append(
            (
                person.id, owner, person.given_names, person.family_names, person.name_key, person.birth_date,
                person.birth_date.year, person.sex, None, person.population_group, person.nationality,
                person.migratory_status, _json(documents), None, None, person.household_size, person.dependants,
                person.education_level, person.province_code, person.canton_code, person.phone, person.email, "es",
                _json(external_ids), at, None, at, None, None, 1,
            )
        )  # fmt: skip
        chunk.identifiers.extend(identifiers)
        chunk.consents.append(
            (
                uuid.UUID(int=consent_rng.getrandbits(128), version=4), person.id, "registration", None,
                NOTICE_VERSION, "es", person.consent_method, at, at, None, None,
            )
        )  # fmt: skip
        if person.shared_with is not None:
            chunk.consents.append(
                (
                    uuid.UUID(int=consent_rng.getrandbits(128), version=4), person.id, "sharing",
                    partners[person.shared_with], NOTICE_VERSION, "es", person.consent_method, at, at, None, None,
                )
            )  # fmt: skip
        if len(chunk.participants) >= batch:
            yield chunk
            chunk = BulkChunk([], [], [])
    if chunk.participants:
        yield chunk


def partner_rows(seed: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The partners and one agreement in force each, granting referral and training delivery (they may register)."""
    partners, agreements = [], []
    for number in range(PARTNERS):
        pid = partner_id(seed, number)
        partners.append(
            (
                pid, PARTNER_NAMES[number], PARTNER_KINDS[number % len(PARTNER_KINDS)], "ECU", None,
                f"contacto{number}@socio.example", None, "active", None, FIXED_TIME, FIXED_TIME, 1,
            )
        )  # fmt: skip
        agreements.append(
            (
                uuid.UUID(int=random.Random(f"agreement:{seed}:{number}").getrandbits(128), version=4), pid,
                f"CONV-2024-{number + 1:03d}", f"Convenio de cooperación con {PARTNER_NAMES[number]}",
                _json(["referral", "training_delivery"]), date(2024, 1, 1), date(2030, 12, 31), date(2030, 12, 31),
                False, None, False, None, None, "[]", FIXED_TIME, FIXED_TIME, 1,
            )
        )  # fmt: skip
    return partners, agreements


def csv_row(person: Person) -> dict[str, str]:
    """The import file's columns for one person (empty strings where there is nothing)."""
    kind, number, country = person.document or ("", "", "")
    system, value = person.external or ("", "")
    return {
        "given_names": person.given_names,
        "family_names": person.family_names,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "population_group": person.population_group,
        "nationality": person.nationality,
        "document_type": kind,
        "document_number": number,
        "document_country": country,
        "province_code": person.province_code or "",
        "canton_code": person.canton_code or "",
        "phone": person.phone or "",
        "external_system": system,
        "external_value": value,
        "consent_notice_version": NOTICE_VERSION,
        "consent_method": person.consent_method,
    }


def write_csv(path: str, seed: int, start: int, count: int) -> None:
    """A UTF-8 CSV with a header row, for `emprende participants import`."""
    with open(path, "w", newline="", encoding="utf-8") as output:
        writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for person in people(seed, start, count):
            writer.writerow(csv_row(person))


def self_check(seed: int = DEFAULT_SEED, count: int = 2_000) -> None:
    """The shortcuts taken for speed agree with emprende's own validation on a sample."""
    from emprende.domain.participants.contact import normalize_phone
    from emprende.domain.participants.identifiers import identity_document
    from emprende.domain.participants.places import check_residence

    for person in people(seed, 0, count):
        assert person.name_key == name_key(person.given_names, person.family_names), person
        if person.phone is not None:
            assert normalize_phone(person.phone) == person.phone, person.phone
        if person.document is not None:
            identity_document(*person.document)
        check_residence(person.province_code, person.canton_code)
        assert 18 <= (REFERENCE_DAY - person.birth_date).days // 365 <= 65


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="number of people")
    parser.add_argument("--start", type=int, default=5_000_000, help="index of the first person (CSV default 5M, "
                        "disjoint from the bulk load's 0…)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--csv", help="write the import CSV here")
    parser.add_argument("--sample", action="store_true", help="print the first rows and a distribution summary")
    args = parser.parse_args(argv)
    self_check(args.seed)
    if args.csv:
        write_csv(args.csv, args.seed, args.start, args.size)
        print(f"wrote {args.size:,} people to {args.csv}", file=sys.stderr)
    if args.sample:
        from collections import Counter

        counts: dict[str, Counter[str]] = {name: Counter() for name in ("group", "nationality", "province", "doc")}
        for number, person in enumerate(people(args.seed, args.start, args.size)):
            if number < 5:
                print(csv_row(person))
            counts["group"][person.population_group] += 1
            counts["nationality"][person.nationality] += 1
            counts["province"][person.province_code or "-"] += 1
            counts["doc"][person.document[0] if person.document else "-"] += 1
        for name, counter in counts.items():
            print(name, counter.most_common())
    return 0


if __name__ == "__main__":
    sys.exit(main())
