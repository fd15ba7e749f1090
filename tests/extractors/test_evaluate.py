"""The comparison and scoring rules of `minutes evaluate` (extractors/evaluate.py),
and the command itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import ExtractionError
from extractors import evaluate as ev
from tests.conftest import ROOT

RECORD = {
    "body": "Kunnanhallitus",
    "section": 451,
    "title": "Hyvinvointialueen  ja kuntien\nyhteistyö",
    "preparers": [
        {
            "name": "Timo Kurula",
            "title": "kunnanjohtaja",
            "phone": "0405957597",
            "email": None,
        }
    ],
    "presenter": {"name": "Timo Kurula", "title": "kunnanjohtaja"},
    "outcome": "approved",
    "voted": True,
    "votes": [
        {"for": 9, "against": 4, "blank": 1, "absent": None, "motion": "Jaa-ääniä 9"}
    ],
    "disqualified": ["Matti Virtanen"],
    "attachments": ["Liite 1", "Liite 2"],
}


def line(gold: dict, index: int = 0, path: str = "a.txt") -> ev.GoldLine:
    return ev.GoldLine(path=Path(path), item_index=index, gold=gold)


def score(*lines: ev.GoldLine, records=(RECORD,)) -> ev.Report:
    return ev.evaluate_lines(lines, lambda _line: list(records))


def test_strings_compare_after_whitespace_collapse() -> None:
    assert ev.matches("Hyvinvointialueen ja kuntien yhteistyö", RECORD["title"])
    assert not ev.matches("hyvinvointialueen ja kuntien yhteistyö", RECORD["title"])


def test_presenter_name_and_title_aliases() -> None:
    report = score(
        line({"presenter_name": "Timo Kurula", "presenter_title": "kunnanjohtaja"})
    )
    assert (
        report.accuracy("presenter_name") == report.accuracy("presenter_title") == 1.0
    )


def test_presenter_name_null_matches_missing_presenter() -> None:
    assert (
        score(line({"presenter_name": None}), records=[{"presenter": None}]).accuracy(
            "presenter_name"
        )
        == 1.0
    )


def test_preparers_as_names() -> None:
    assert score(line({"preparers": ["Timo Kurula"]})).accuracy("preparers") == 1.0
    assert (
        score(line({"preparer_names": ["Kurula Timo"]})).accuracy("preparer_names")
        == 0.0
    )


def test_objects_compare_on_the_keys_the_gold_gives() -> None:
    gold = {
        "votes": [{"for": 9, "against": 4, "blank": 1}],
        "preparers": [{"phone": "0405957597"}],
    }
    assert score(line(gold)).overall().accuracy == 1.0
    assert (
        score(line({"votes": [{"for": 9, "against": 4, "blank": None}]})).accuracy(
            "votes"
        )
        == 0.0
    )


def test_lists_compare_as_lists() -> None:
    assert (
        score(line({"attachments": ["Liite 1", "Liite 2"]})).accuracy("attachments")
        == 1.0
    )
    assert (
        score(line({"attachments": ["Liite 2", "Liite 1"]})).accuracy("attachments")
        == 0.0
    )
    assert score(line({"attachments": ["Liite 1"]})).accuracy("attachments") == 0.0
    assert score(line({"disqualified": []})).accuracy("disqualified") == 0.0


def test_bool_and_int_are_not_confused() -> None:
    assert not ev.matches(1, True)
    assert not ev.matches(True, 1)
    assert not ev.matches("451", 451)


def test_enum_values_compare_as_their_value() -> None:
    from models.vocab import Outcome

    assert (
        score(
            line({"outcome": "approved"}), records=[{"outcome": Outcome("approved")}]
        ).accuracy("outcome")
        == 1.0
    )


def test_index_beyond_the_items_counts_every_field_as_missing() -> None:
    report = score(line({"body": "Kunnanhallitus", "outcome": "approved"}, index=3))
    assert report.overall().matched == 0 and report.overall().total == 2
    assert {m.reason for m in report.mismatches} == {
        "no item 3: the file gave 1 item(s)"
    }


def test_failed_extraction_counts_every_field_with_the_reason() -> None:
    def failing(_line):
        raise ExtractionError("no_items", "no agenda item found")

    report = ev.evaluate_lines([line({"body": "X", "section": 1})], failing)
    assert len(report.mismatches) == 2
    assert (
        report.mismatches[0].reason
        == "extraction failed: no_items: no agenda item found"
    )


def test_item_found_by_section_when_an_earlier_item_was_dropped() -> None:
    records = [{"section": 39, "title": "A"}, {"section": 41, "title": "C"}]
    report = score(line({"section": 41, "title": "C"}, index=2), records=records)
    assert report.overall().accuracy == 1.0
    report = score(line({"section": 40, "title": "B"}, index=1), records=records)
    assert report.mismatches[0].reason == "no item with § 40 (2 item(s) found)"


def test_each_file_is_extracted_once() -> None:
    calls = []

    def counting(gold_line):
        calls.append(gold_line.path)
        return [RECORD, RECORD]

    ev.evaluate_lines([line({"section": 451}, 0), line({"section": 451}, 1)], counting)
    assert len(calls) == 1


def test_mismatch_lists_both_values() -> None:
    (m,) = score(line({"outcome": "noted"})).mismatches
    assert (m.path, m.item_index, m.field, m.expected, m.got) == (
        "a.txt",
        0,
        "outcome",
        "noted",
        "approved",
    )


def test_load_gold_resolves_paths_and_reads_meta(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    text = {
        "path": "sub/x.pdf",
        "item_index": 0,
        "gold": {"section": 73},
        "meta": {"section": 73},
        "municipality": "Oulu",
    }
    gold.write_text(json.dumps(text) + "\n\n", "utf-8")
    (parsed,) = ev.load_gold(gold)
    assert parsed.path == tmp_path / "sub" / "x.pdf"
    assert parsed.meta == {"section": "73"} and parsed.municipality == "Oulu"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ('{"item_index": 0, "gold": {"body": "X"}}', "path"),
        ('{"path": "a", "item_index": -1, "gold": {"body": "X"}}', "item_index"),
        ('{"path": "a", "item_index": 0, "gold": {}}', "gold"),
        (
            '{"path": "a", "item_index": 0, "gold": {"bodyy": "X"}}',
            r"unknown gold field\(s\) bodyy",
        ),
    ],
)
def test_bad_gold_lines_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(text + "\n", "utf-8")
    with pytest.raises(ev.GoldError, match=f"gold.jsonl:1: .*{message}"):
        ev.load_gold(gold)


def test_parse_floor() -> None:
    assert ev.parse_floor("outcome=0.97") == ("outcome", 0.97)
    for bad in ("outcome", "outcome=x", "outcome=1.5"):
        with pytest.raises(ValueError):
            ev.parse_floor(bad)


# --- the command ---------------------------------------------------------------------

MINUTES = str(Path(sys.executable).with_name("minutes"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MINUTES, "evaluate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture
def seed_gold(tmp_path: Path) -> Path:
    seed = ROOT / "tests" / "fixtures" / "text" / "001_c3a80bbbadbc5020.txt"
    (tmp_path / "seed.txt").write_bytes(seed.read_bytes())
    lines = [
        {
            "path": "seed.txt",
            "item_index": 0,
            "municipality": "Kittilä",
            "gold": {
                "section": 451,
                "presenter_name": "Timo Kurula",
                "outcome": "approved",
            },
        },
        {"path": "seed.txt", "item_index": 0, "gold": {"outcome": "rejected"}},
        {"path": "seed.txt", "item_index": 5, "gold": {"section": 1}},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8"
    )
    return gold


def test_cli_prints_table_and_mismatches(seed_gold: Path) -> None:
    done = run(str(seed_gold))
    assert done.returncode == 0, done.stderr
    rows = {
        r.split("│")[1].strip(): r
        for r in done.stdout.splitlines()
        if r.count("│") == 5
    }
    assert [c.strip() for c in rows["outcome"].split("│")[2:5]] == ["1", "2", "0.500"]
    assert "1.000" in rows["presenter_name"]
    assert "mismatches: 2" in done.stdout
    assert "outcome: expected 'rejected', got 'approved'" in done.stdout
    assert "no item with § 1 (1 item(s) found)" in done.stdout


def test_cli_min_accuracy_exit_status(seed_gold: Path) -> None:
    assert run(str(seed_gold), "--min-accuracy", "presenter_name=1.0").returncode == 0
    failing = run(
        str(seed_gold), "--min-accuracy", "outcome=0.9", "--min-accuracy", "all=0.1"
    )
    assert failing.returncode == 1
    assert "outcome 0.500 < 0.9" in failing.stderr


def test_cli_bad_arguments_exit_2(seed_gold: Path) -> None:
    assert run(str(seed_gold), "--min-accuracy", "nosuchfield=0.5").returncode == 2
    assert run(str(seed_gold.with_name("missing.jsonl"))).returncode == 2
