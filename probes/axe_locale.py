"""axe-core's own French locale, fetched once at setup from the npm registry and checked against
its published digest, so that rule titles and help reach readers in French (`make setup` and the
Dockerfile run `python -m probes.axe_locale --fetch`).

axe-playwright-python ships only `axe.min.js`; axe-core's translations live in its npm package
(`locales/fr.json`, maintained by Deque and its contributors). We take them from the same axe-core
release as the bundle, pinned here with the registry's sha512 integrity, rather than translate
rule texts ourselves.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from functools import lru_cache
from pathlib import Path

AXE_VERSION = "4.12.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
# `npm view axe-core@4.12.1 dist.integrity`
INTEGRITY = "sha512-s7iGf5GaVMxEG0ENN9x+xTr7GFZCb1ZP/1uATUpCEK2X78nDB3RwbtFCo9pGAf9ru+VwoQ464DkaLEeRM08wJA=="
MEMBER = "package/locales/fr.json"


def locale_path() -> Path:
    """Where the locale lives: beside the installed environment, not in the source tree."""
    return Path(sys.prefix) / "share" / "veilleur" / f"axe-core-{AXE_VERSION}-fr.json"


@lru_cache(maxsize=1)
def french_locale() -> str | None:
    """The locale as JSON text, or None when setup did not fetch it (axe then speaks English)."""
    path = locale_path()
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    json.loads(text)  # a damaged file must fail here, not inside every page
    return text


def _verified(data: bytes) -> bytes:
    algorithm, _, expected = INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{TARBALL}: {algorithm} digest {digest} differs from the pinned {expected}")
    return data


def fetch(timeout_s: float = 60.0) -> Path:
    """Download axe-core's tarball, check it, and keep its French locale."""
    with urllib.request.urlopen(TARBALL, timeout=timeout_s) as response:  # noqa: S310 - a pinned https URL
        data = _verified(response.read())
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{TARBALL}: no {MEMBER} in the package")
        text = member.read().decode("utf-8")
    json.loads(text)
    path = locale_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="axe-core's French locale for Veilleur.")
    parser.add_argument("--fetch", action="store_true", help="download it unless already there")
    args = parser.parse_args(argv)
    if args.fetch and not locale_path().is_file():
        print(f"axe-core {AXE_VERSION} locale fr: {fetch()}")
    elif locale_path().is_file():
        print(f"axe-core {AXE_VERSION} locale fr: {locale_path()}")
    else:
        print(f"axe-core {AXE_VERSION} locale fr: missing (python -m probes.axe_locale --fetch)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
