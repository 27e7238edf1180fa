"""Every locale key the code can ask for exists in zh-CN, and every key there is used.

A static scan, no bot needed: the code's string literals and f-strings are read with `ast`, the
locale files with fluent.syntax. A key-shaped literal (``checkin-further-study``) in a
namespace the locale uses (``checkin``) is a key the code can ask for, unless it is a value
that a dynamic key is built from (``cadre-unknown`` is a reason code: the text is
``reason-cadre-unknown``). An f-string key (``t(f"status-{x}")``) is expanded with the values
``x`` can take when those are known (enums, the code's own tuples); the few built from values
this test cannot enumerate are listed, with why, in ``OPEN_ENDED``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fluent.syntax import FluentParser, Visitor
from fluent.syntax import ast as fluent_ast

from yulu.core.i18n import DEFAULT_LOCALE, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
# Everything that can ask for a text; the sandbox is a separate tool with no locale, migrations
# are frozen history.
SOURCES = ("bot", "nlu", "storage", "yulu")
SKIPPED = ("storage/migrations", "yulu/sandbox")
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)+$")
TEMPLATE = re.compile(r"^[a-z][a-z0-9_]*-[a-z0-9_*-]*$")  # literal parts of an f-string key
ERRORS = ("InvalidInput", "NotFound", "NotAllowed")  # their first argument is a reason code
# The staff console's Jinja templates ask for texts too: t("key"), and t("prefix-" ~ value).
TEMPLATES = ROOT / "yulu" / "web" / "templates"
TEMPLATE_CALL = re.compile(r"""\bt\(\s*(["'])([a-z][a-z0-9_-]*)\1\s*(~)?""")


def _values(enum_or_values: Iterable[object]) -> frozenset[str]:
    return frozenset(getattr(v, "value", v) for v in enum_or_values)  # type: ignore[misc]


def expansions() -> dict[str, frozenset[str]]:
    """f-string key templates whose variable part the code enumerates: template → values."""
    from yulu.bot.app import COMMANDS
    from yulu.bot.editing import STAFF_COMMANDS
    from yulu.commands.audit import AUDIT_COLUMNS
    from yulu.commands.followup import HISTORY_COLUMNS
    from yulu.commands.scheduled import JOB_COLUMNS
    from yulu.services import cases, checkin
    from yulu.storage.models import (
        CaseReason,
        CaseStatus,
        EducationLevel,
        EmploymentStatus,
        StaffLevel,
    )
    from yulu.storage.postings import EmployerType, PostingKind, RejectionReason

    return {
        "status-*": _values(EmploymentStatus),
        "education-*": _values(EducationLevel),
        "case-reason-*": _values(CaseReason),
        "case-todo-*": _values(CaseReason),
        "case-status-*": _values(CaseStatus),
        "case-outcome-*": _values(cases.OUTCOMES),
        "case-event-*": _values(cases.EVENT_ACTIONS),
        "staff-level-*": _values(StaffLevel),
        "staff-command-*": _values(STAFF_COMMANDS),
        "audit-column-*": _values(AUDIT_COLUMNS),
        "jobs-column-*": _values(JOB_COLUMNS),
        "case-history-column-*": _values(HISTORY_COLUMNS),
        "checkin-choice-*": _values(checkin.CHOICE_STATUS),
        "checkin-income-*": frozenset(code for code, _, _ in checkin.INCOME_BANDS),
        # record_choice answers employed, lost_job and further_study with keys of their own;
        # the statuses left over get a follow-up text each.
        "checkin-followup-*": _values(set(checkin.CHOICE_STATUS.values()))
        - {"employed", "lost_job", "further_study"},
        "command-*": _values(COMMANDS),
        "posting-kind-*": _values(PostingKind),
        "employer-type-*": _values(EmployerType),
        # 不合适 is recorded as "unspecified" until the graduate taps why: no button for it
        "jobs-decline-*": _values(RejectionReason) - {RejectionReason.UNSPECIFIED.value},
        # /jobs lists everything or only internships (jobs handler's `suffix`)
        "jobs-none*": frozenset({"", "-internship"}),
        "jobs-page-header*": frozenset({"", "-internship"}),
    }


# f-string keys built from values this test cannot enumerate. Every locale key these templates
# match counts as used; none is checked to exist. Keep this list short: a template here is a
# template a missing text can hide behind.
OPEN_ENDED = {
    "reason-*": "validation reason codes, also from f'missing-{column}' (checked below)",
    "signup-reask-*": "the same reason codes, sign-up's wording where it has one",
    "checkin-reask-*": "the same reason codes, the check-in's wording",
    "signup-ask-*": "sign-up field names, from the conversation states",
    "checkin-ask-*": "check-in follow-up question names (FollowUp.next_question)",
    "field-*": "sign-up field names a graduate can change",
    "menu-*": "menu actions (MenuAction callback values)",
    "enrol-*": "cadre enrolment outcomes (EnrolResult.outcome strings)",
    "nlu-meaning-*": "the intents confirmed before acting (nlu's critical intents)",
    "reply-*": "intents answered with a canned reply",
    "jobs-education-*": "the education_min column of a posting",
    "case-btn-*": "case verbs offered by actions.case_choices",
    "column-*": "column name tuples of the exports",
    "case-column-*": "column name tuples of the case export",
    "campaign-column-*": "column name tuples of the campaign export",
    "campaign-contact-column-*": "column name tuples of the campaign contact list",
    "campaign-list-column-*": "column names of `yulu campaign list`",
    "campaign-source-*": "audience sources in config.yml's campaigns",
    "campaign-unreachable-*": "why the bot cannot reach someone (campaigns.unreachable)",
    "campaign-graduation-btn-*": "answers configured per campaign in config",
    "campaign-graduation-reply-*": "answers configured per campaign in config",
    "campaign-enrollment-btn-*": "answers configured per campaign in config",
    "campaign-enrollment-reply-*": "answers configured per campaign in config",
}


@dataclass
class CodeScan:
    """What the Python source asks for."""

    literals: dict[str, list[str]] = field(default_factory=dict)  # value → where
    templates: dict[str, list[str]] = field(default_factory=dict)  # "status-*" → where
    reasons: set[str] = field(default_factory=set)  # first arguments of the domain errors


@cache
def locale_keys() -> tuple[frozenset[str], frozenset[str]]:
    """(keys defined, keys referenced by other messages) in the default locale."""
    defined: set[str] = set()
    referenced: set[str] = set()

    class References(Visitor):
        def visit_MessageReference(self, node: fluent_ast.MessageReference) -> None:
            referenced.add(node.id.name)

        def visit_TermReference(self, node: fluent_ast.TermReference) -> None:
            referenced.add(f"-{node.id.name}")

    for path in sorted((LOCALES_DIR / DEFAULT_LOCALE).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, fluent_ast.Junk), f"{path.name}: {entry.content!r}"
            if isinstance(entry, fluent_ast.Message):
                defined.add(entry.id.name)
            elif isinstance(entry, fluent_ast.Term):
                defined.add(f"-{entry.id.name}")
        References().visit(resource)
    return frozenset(defined), frozenset(referenced)


@cache
def scan_code() -> CodeScan:
    scan = CodeScan()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(SKIPPED):
                continue
            _scan_module(ast.parse(path.read_text(encoding="utf-8")), relative, scan)
    return scan


def _scan_module(tree: ast.Module, where: str, scan: CodeScan) -> None:
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside_fstrings.update(id(part) for part in node.values)
            template = "".join(
                part.value if isinstance(part, ast.Constant) else "*" for part in node.values
            )
            if TEMPLATE.match(template) and "*" in template:
                scan.templates.setdefault(template, []).append(f"{where}:{node.lineno}")
        elif isinstance(node, ast.Call) and node.args and _called(node) in ERRORS:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                scan.reasons.add(first.value)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings
        ):
            scan.literals.setdefault(node.value, []).append(f"{where}:{node.lineno}")


def _called(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def _matches(template: str, key: str) -> bool:
    prefix, _, suffix = template.partition("*")
    return key.startswith(prefix) and key.endswith(suffix) and len(key) >= len(prefix + suffix)


def _namespaces(keys: Iterable[str]) -> set[str]:
    return {k.split("-", 1)[0] for k in keys if "-" in k}


def asked_for() -> dict[str, list[str]]:
    """Every key the code can ask for, with where it asks."""
    scan = scan_code()
    defined, _ = locale_keys()
    templates = set(scan.templates)
    # A literal that is the variable part of a dynamic key (a reason code, a column name) is
    # not itself a key; nor is the reason code of a domain error, which is rendered by prefix.
    parts = scan.reasons | {
        key[len(t.partition("*")[0]) :]
        for t in templates
        for key in defined
        if _matches(t, key) and t.endswith("*")
    }
    namespaces = _namespaces(defined)
    wanted = {
        value: where
        for value, where in scan.literals.items()
        if KEY.match(value) and value.split("-", 1)[0] in namespaces and value not in parts
    }
    for template, values in expansions().items():
        for value in values:
            wanted.setdefault(template.replace("*", value), scan.templates.get(template, []))
    return wanted


@cache
def scan_templates() -> tuple[frozenset[str], frozenset[str]]:
    """(keys, key prefixes joined with a value) that the console's templates ask for."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in sorted(TEMPLATES.glob("*.html")):
        for _, key, joined in TEMPLATE_CALL.findall(path.read_text(encoding="utf-8")):
            (prefixes if joined else keys).add(key)
    return frozenset(keys), frozenset(prefixes)


def test_every_key_a_template_asks_for_exists() -> None:
    defined, _ = locale_keys()
    keys, prefixes = scan_templates()
    assert sorted(keys - defined) == []
    assert [p for p in sorted(prefixes) if not any(k.startswith(p) for k in defined)] == []


def test_every_key_the_code_asks_for_exists() -> None:
    defined, _ = locale_keys()
    missing = {key: where[:3] for key, where in asked_for().items() if key not in defined}
    assert missing == {}, f"keys the code asks for that no {DEFAULT_LOCALE} file defines"


def test_every_dynamic_key_is_expanded_or_explained() -> None:
    """A new f-string key needs its values listed in expansions() or a reason in OPEN_ENDED."""
    known = set(expansions()) | set(OPEN_ENDED)
    unknown = {t: w for t, w in scan_code().templates.items() if t not in known}
    defined, _ = locale_keys()
    unknown = {t: w for t, w in unknown.items() if t.split("-", 1)[0] in _namespaces(defined)}
    assert unknown == {}


def test_every_key_in_the_locale_files_is_used() -> None:
    defined, referenced = locale_keys()
    scan = scan_code()
    used = set(asked_for()) | referenced | (set(scan.literals) & defined)
    used |= {key for key in defined for t in OPEN_ENDED if _matches(t, key)}
    in_templates, prefixes = scan_templates()
    used |= in_templates | {key for key in defined for p in prefixes if key.startswith(p)}
    unused = sorted(defined - used)
    assert unused == [], f"keys no code asks for (remove them or use them): {unused}"


def test_the_scan_finds_a_missing_key() -> None:
    """The scan itself works: a literal in a known namespace that no file defines is caught."""
    scan = CodeScan()
    _scan_module(ast.parse('FollowUp("checkin-no-such-text")\nt(f"status-{s}")'), "x.py", scan)
    assert "checkin-no-such-text" in scan.literals and "status-*" in scan.templates
    defined, _ = locale_keys()
    assert "checkin-no-such-text" not in defined and "checkin" in _namespaces(defined)
