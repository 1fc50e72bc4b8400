"""Every offline brief of the project's own articles, one JSON line each, to compare two versions.

    .venv/bin/python benchmarks/brief_digest.py -o before.jsonl     # on one version
    .venv/bin/python benchmarks/brief_digest.py -o after.jsonl      # on another
    diff before.jsonl after.jsonl                                   # what changed, article by article

The articles: examples/, evals/fixtures/, the seed in ../shared/ when present, and the
~1,000-word articles of benchmarks/offline_speed.py. A speed-up that claims "briefs
unchanged" shows an empty diff here.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

logging.disable(logging.WARNING)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def articles() -> list[tuple[str, str]]:
    from offline_speed import thousand_word_articles

    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "evals" / "fixtures").glob("*.txt"))
    seed = ROOT.parent / "shared" / "seed-article.txt"
    if seed.exists():
        paths.append(seed)
    named = [(path.name, path.read_text(encoding="utf-8")) for path in paths]
    named += [(f"joined-{i:02d}", text) for i, text in enumerate(thousand_word_articles())]
    return named


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    from summarizer import Summarizer

    summarize = Summarizer(backend="offline").summarize
    with open(args.output, "w", encoding="utf-8") as out:
        for name, text in articles():
            try:
                brief = summarize(text).model_dump(mode="json", exclude={"meta"})
            except Exception as error:  # a refusal is part of the behaviour being compared
                brief = {"error": f"{type(error).__name__}: {error}"}
            out.write(json.dumps({"article": name, "brief": brief}, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
