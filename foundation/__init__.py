"""The shared base every floor may import: the version, errors naming bad input, UTC times, atomic files."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("veilleur")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"
