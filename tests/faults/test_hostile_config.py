"""sources.toml from a careless or hostile hand: wrong types name their key; URLs
that are not http(s) and folders outside the file's directory are refused before
any read."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.fetch import fetch_source
from flows.rawstore import RawStore
from flows.reach import SourceMisconfigured
from flows.results import SourceStatus
from flows.sources import SourcesError, load_sources

pytestmark = pytest.mark.fault("hostile config")


def sources_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "conf" / "sources.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[[source]]\nname = "a"\n{body}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'platform = "dynasty"\nbase_url = "https://x.fi/"\nbodies = "Kunnanhallitus"',
            "bodies must be a list of strings, not 'Kunnanhallitus'",
        ),
        (
            'platform = "dynasty"\nbase_url = "https://x.fi/"\nbodies = ["Khall", 5]',
            "bodies must be a list of strings, not 5",
        ),
        (
            'platform = "dynasty"\nbase_url = "https://x.fi/"\nmunicipality = 5',
            "municipality must be a string, not 5",
        ),
        (
            'platform = "dynasty"\nbase_url = "https://x.fi/"\nverified = "yes"',
            "verified must be true or false, not 'yes'",
        ),
        (
            'platform = "dynasty"\nbase_url = "https://x.fi/"\nlanguage = "en"',
            "language",
        ),
        ('platform = "dynasty"\nbase_url = 5', "base_url must be a string, not 5"),
        ('platform = "dynasty"\nbase_url = ""', "missing key 'base_url'"),
        (
            'platform = "pdf-list"\nbase_url = "https://x.fi/"\nlink_pattern = "(["',
            "link_pattern: not a regex",
        ),
    ],
)
def test_a_wrong_type_is_an_error_naming_file_entry_and_key(
    tmp_path: Path, body: str, message: str
) -> None:
    path = sources_file(tmp_path, body)
    with pytest.raises(SourcesError) as failed:
        load_sources(path)
    assert str(failed.value).startswith(f"{path} [[source]] #1: ")
    assert message in str(failed.value)


@pytest.mark.parametrize(
    ("platform", "base_url", "problem"),
    [
        ("dynasty", "file:///etc/", "not an http(s) URL"),
        ("tweb", "ftp://x.fi/", "not an http(s) URL"),
        ("casem", "not a url", "not an http(s) URL"),
        ("dynasty", "https:///no-host", "not an http(s) URL"),
        ("folder", "../outside", "outside the sources file's directory"),
        ("folder", "docs/../../outside", "outside the sources file's directory"),
        ("folder", "/etc", "outside the sources file's directory"),
    ],
)
def test_an_unusable_base_url_refuses_the_source_before_any_read(
    tmp_path: Path, platform: str, base_url: str, problem: str
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("Khall 1.1.2024 § 1\n")
    (source,) = load_sources(
        sources_file(tmp_path, f'platform = "{platform}"\nbase_url = "{base_url}"')
    )
    store = RawStore(tmp_path / "raw")
    with pytest.raises(SourceMisconfigured) as refused:
        fetch_source(source, store, None)
    assert problem in refused.value.error.message
    assert refused.value.status == SourceStatus.REFUSED  # never retried
    assert store.manifest() == []


def test_a_folder_inside_the_directory_is_read_by_absolute_path_too(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "conf" / "docs"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text("Khall 05.12.2023 § 1\n", encoding="utf-8")
    for base_url in ("docs", str(docs), "docs/../docs"):
        (source,) = load_sources(
            sources_file(tmp_path, f'platform = "folder"\nbase_url = "{base_url}"')
        )
        assert source.problem() is None
        (result,) = fetch_source(source, RawStore(tmp_path / "raw"), None)
        assert result.uri.endswith("a.txt")
