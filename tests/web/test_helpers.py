"""The small web rules: where ``next=`` may lead, how language names are read."""

import pytest

from civic.web.access import safe_next
from civic.web.locale import normalize_locale


@pytest.mark.parametrize("target", ["/account", "/cases?page=2", "/"])
def test_next_keeps_paths_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
     "account", "/x\r\nSet-Cookie: a=b", "", None],
)
def test_next_refuses_other_sites(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh-TW", "zh_Hant_TW"), ("zh_Hant_TW", "zh_Hant_TW"), ("zh-Hant", "zh_Hant_TW"),
     ("zh", "zh_Hant_TW"), ("en-US", "en"), ("EN", "en"), ("fr", None), ("", None)],
)
def test_language_names_map_to_catalog_folders(given, expected):
    assert normalize_locale(given) == expected
