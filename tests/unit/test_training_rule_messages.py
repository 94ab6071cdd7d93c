"""Every message the training area's rules can show (parse errors, rule and criterion failures, NotEligible) has
Spanish with the same placeholders, and none is already worded elsewhere in the catalogue."""

from __future__ import annotations

import ast
import string
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from emprende.api.problem_catalogue import SPANISH_MESSAGES
from emprende.api.v1 import AREAS  # importing the areas registers their messages
from emprende.api.v1.training.rule_messages import SPANISH_RULE_MESSAGES
from emprende.domain.shared.errors import InvalidInput, issues_of
from emprende.domain.training import attendance, completion, eligibility, eligibility_parsing, values
from emprende.domain.training.attendance import AttendanceMark, AttendanceStatus, check_batch
from emprende.domain.training.completion import CompletionCriteria, evaluate_completion
from emprende.domain.training.eligibility import NotEligible, PersonFacts, evaluate, parse_rules

TRAINING = Path(eligibility.__file__).parent
TEMPLATES = {
    *values.TEMPLATES,
    *eligibility_parsing.TEMPLATES,
    *eligibility.TEMPLATES,
    *attendance.TEMPLATES,
    *completion.TEMPLATES,
}
RULE_MODULES = ("values", "eligibility", "eligibility_rules", "eligibility_parsing", "attendance", "completion")
# The calls whose first argument is a message template: errors, failures, and NotEligible's own wording.
MESSAGE_CALLS = {"InvalidInput", "_unmet", "__init__"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _trees() -> list[ast.Module]:
    return [ast.parse((TRAINING / f"{name}.py").read_text(encoding="utf-8")) for name in RULE_MODULES]


def templates_in_source() -> set[str]:
    """The literal templates (or module constants holding them) the training modules pass to a message call."""
    trees = _trees()
    constants = {
        target.id: node.value.value
        for tree in trees
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            first = node.args[0]
            if name in MESSAGE_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
            elif name in MESSAGE_CALLS and isinstance(first, ast.Name) and first.id in constants:
                found.add(constants[first.id])
    return found


def test_the_scan_finds_the_templates() -> None:
    used = templates_in_source()
    assert len(used) > 30
    assert "must be aged {min_age} to {max_age} on {on}" in used
    assert "the person does not meet eligibility rule {index} ({kind}): {reason}" in used


def test_every_template_used_is_listed() -> None:
    assert sorted(templates_in_source() - TEMPLATES) == []


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_has_spanish_with_the_same_placeholders(template: str) -> None:
    spanish = SPANISH_RULE_MESSAGES.get(template)
    assert spanish is not None, f"no Spanish for {template!r}"
    assert spanish.strip()
    assert spanish != template
    assert placeholders(spanish) == placeholders(template)


def test_no_spanish_is_left_over() -> None:
    assert sorted(SPANISH_RULE_MESSAGES.keys() - TEMPLATES) == []


def test_the_rule_messages_are_registered_with_the_catalogue() -> None:
    assert AREAS  # importing the areas registers them (a message worded twice would refuse to register)
    assert SPANISH_RULE_MESSAGES.items() <= SPANISH_MESSAGES.items()


def test_the_templates_of_real_errors_and_failures_have_spanish() -> None:
    shown: list[str] = []
    for bad in ([{"kind": "sexes", "sexes": ["x"]}, {"kind": "age_range"}], "rules"):
        with pytest.raises(InvalidInput) as parse_error:
            parse_rules(bad)
        shown += [issue.template for issue in issues_of(parse_error.value)]
    with pytest.raises(InvalidInput) as batch_error:
        check_batch([AttendanceMark(uuid.uuid4(), AttendanceStatus.PRESENT)], enrolled=frozenset())
    shown.append(batch_error.value.template)
    facts = PersonFacts(
        "migrant", "male", "VEN", None, None, None, None, datetime.now(UTC), None, frozenset(), frozenset()
    )
    failures = evaluate(
        parse_rules([{"kind": "sexes", "sexes": ["female"]}, {"kind": "age_range", "min_age": 18}]),
        facts,
        date(2026, 6, 1),
    )
    shown += [failure.template for failure in failures]
    shown.append(NotEligible.from_failures(failures).template)
    result = evaluate_completion(CompletionCriteria(min_assessment_score=Decimal(50)), [], {}, None)
    shown += [failure.template for failure in result.failures]
    assert len(shown) == 9
    assert [template for template in shown if template not in SPANISH_RULE_MESSAGES] == []
