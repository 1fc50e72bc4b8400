"""The single-pass scanner: one hyperscan scan gives every cue's spots, in the article's own offsets."""

from __future__ import annotations

from pathlib import Path

from summarizer.offline import scanner

ROOT = Path(__file__).resolve().parents[1]

SAID = scanner.cue(r"\bsaid\b")
DIGIT = scanner.cue(r"[0-9]")
THREATS = scanner.cue_words(["missile", "missiles", "drone", "drones", "cyberattack", "cyberattacks"])
CAPITAL = scanner.cue(r"\b[A-Z][a-z]", caseless=False)
EURO = scanner.cue(r"\x80[0-9]")


def test_spots_are_character_offsets_of_the_article_itself(engine):
    text = "“Drones,” Müller said — 12 missiles and €4bn; Łukasz SAID nothing."
    found = scanner.spots(text)
    assert [text[s:e] for s, e in found[SAID]] == ["said", "SAID"]
    assert [text[s:e] for s, e in found[THREATS]] == ["Drones", "missiles"]
    assert [text[s:e] for s, e in found[DIGIT]] == ["1", "2", "4"]
    assert [text[s:e] for s, e in found[EURO]] == ["€4"]
    # accented and non-Latin-1 capitals still start a capitalized word
    assert [text[s:e] for s, e in found[CAPITAL]] == ["Dr", "Mü", "Łu"]


def test_a_cue_with_no_match_has_no_spots(engine):
    found = scanner.spots("Nothing of the kind here.")
    assert found[THREATS] == [] and THREATS not in found


def test_the_same_text_object_is_scanned_once():
    text = "Officials said 3 drones fell."
    assert scanner.spots(text) is scanner.spots(text)
    assert scanner.spots(text) is not scanner.spots("Officials said 4 drones fell.")


def test_hyperscan_and_re_agree_on_every_project_article():
    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "evals" / "fixtures").glob("*.txt"))
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        scanner.use_re_only(False)
        fast = scanner.spots(text)
        scanner.use_re_only(True)
        slow = scanner.spots(text)
        scanner.use_re_only(False)
        for registered in (SAID, DIGIT, THREATS, CAPITAL, EURO):
            assert fast[registered] == slow[registered], (path.name, registered.pattern)


def test_one_byte_view_keeps_length_for_any_script():
    text = "Москва 北京 “quote” — é\u0301 🇺🇦"
    assert len(scanner.scan_bytes(text)) == len(text)
