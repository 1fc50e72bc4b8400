"""The run manifest beside a batch output, and the fingerprint it records.

``OUT.jsonl.run.json`` holds the fingerprint of the run that writes ``OUT.jsonl`` (what
identifies a job: its inputs, the version of what makes the briefs, the schema, the model
and its parameters) and its hash, so that a resume into an output made by another
configuration is refused unless forced, naming every key that differs. The manifest is
written whole by :mod:`summarizer.output_files` (temporary file, fsync, rename), never half.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError, SummarizerError
from ..output_files import fsync_dir, write_error, write_file
from .input_digest import changed_files

__all__ = [
    "MANIFEST_SUFFIX",
    "check_manifest",
    "disk_error",
    "fingerprint_differences",
    "fingerprint_hash",
    "fsync_dir",
    "manifest_path",
    "write_manifest",
]

MANIFEST_SUFFIX = ".run.json"


def fingerprint_hash(fingerprint: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of ``fingerprint`` (sorted keys, no spaces)."""
    canonical = json.dumps(fingerprint, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fingerprint_differences(old: Any, new: Any, prefix: str = "") -> list[str]:
    """``"key: old != new"`` for each differing key; nested dicts give dotted keys."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in old:
                out.append(f"{name}: (absent) != {new[key]!r}")
            elif key not in new:
                out.append(f"{name}: {old[key]!r} != (absent)")
            else:
                out.extend(fingerprint_differences(old[key], new[key], name))
        return out
    if old == new and type(old) is type(new):
        return []
    return [f"{prefix or '(fingerprint)'}: {old!r} != {new!r}"]


def manifest_path(path: Path) -> Path:
    """``OUT.jsonl.run.json`` beside ``OUT.jsonl``."""
    return path.with_name(path.name + MANIFEST_SUFFIX)


def disk_error(path: Path, exc: OSError, doing: str) -> SummarizerError:
    """The error for a failed write of ``path``: a full disk says how to go on without losing anything."""
    return write_error(path, exc, doing, then="free some space, then run again with --resume "
                                             "(nothing written so far is lost)")


INPUT_KEYS = frozenset({"inputs", "input_files", "articles"})  # what fixing an input changes


def check_manifest(output: Path, fingerprint: dict[str, Any], force: bool,
                   inputs_may_change: bool = False) -> tuple[str | None, list[str]]:
    """Refuse a resume of ``output`` under another fingerprint unless ``force``.

    Inputs that changed while the configuration did not are accepted when
    ``inputs_may_change`` (``--retry-failed``: rerunning failures after fixing their
    inputs is the point), else refused naming the files that changed.

    Returns ``(rewrite, changed)``: ``rewrite`` is None when the manifest stays, else the
    hash it held (``""`` if none) so it is rewritten once the output has been read;
    ``changed`` names the input files that differ (``"a.jsonl (changed)"``).
    """
    path = manifest_path(output)
    digest = fingerprint_hash(fingerprint)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        old_hash = manifest["fingerprint_hash"]
        old_fingerprint = manifest.get("fingerprint")
    except FileNotFoundError:
        if force:
            return "", []
        raise InputError(
            f"{output}: its run manifest {path.name} is missing, so the run that wrote it "
            f"is unknown; pass --force to resume anyway"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if force:
            return "", []
        raise InputError(f"{path}: not a valid run manifest ({exc}); pass --force to resume anyway") from None
    if old_hash == digest:
        return None, []
    old = old_fingerprint if isinstance(old_fingerprint, dict) else {}
    changed = changed_files(old.get("input_files"), fingerprint.get("input_files"))
    if force:
        return str(old_hash), changed
    differences = fingerprint_differences(old, fingerprint) if old else []
    settings = [d for d in differences if d.split(":", 1)[0].split(".", 1)[0] not in INPUT_KEYS]
    if old and not settings:
        if old.get("inputs") == fingerprint.get("inputs") or inputs_may_change:
            return str(old_hash), changed  # same inputs, digested before files were named; or a fix
        named = ", ".join(changed[:10]) + (f" and {len(changed) - 10:,} more" if len(changed) > 10 else "")
        raise InputError(
            f"{output} was made from other inputs ({named or 'their content differs'}); pass --retry-failed "
            f"to rerun its failed articles from them, choose another -o, or pass --force",
            changed=changed,
        )
    raise InputError(
        f"{output} was made by a different configuration ({'; '.join(settings) or 'fingerprint hash differs'}); "
        f"resume with the same settings, choose another -o, or pass --force",
        differences=differences,
    )


def write_manifest(output: Path, fingerprint: dict[str, Any], previous_hash: str | None = None) -> None:
    """Write ``output``'s manifest whole; ``previous_hash`` records the run a forced resume went over."""
    path = manifest_path(output)
    manifest: dict[str, Any] = {
        "fingerprint": fingerprint,
        "fingerprint_hash": fingerprint_hash(fingerprint),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if previous_hash is not None:
        manifest["forced_over"] = previous_hash
    write_file(path, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
               doing="writing the run manifest")
