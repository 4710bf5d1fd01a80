"""Files shipped inside the package (templates, prompts, fitted models), found with
``importlib.resources`` so a wheel install reads the same files as a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from synth.errors import ConfigError


def resource_location(package: str, *parts: str) -> Path:
    """Where the file ``parts`` of ``package`` is (or is to be written: fitted models)."""
    return Path(str(resources.files(package).joinpath(*parts)))


def resource_path(package: str, *parts: str) -> Path:
    """The file or folder ``parts`` inside ``package`` (e.g. ``("synth.report", "templates")``).

    Raises ConfigError naming the fix when it is missing: a broken install, never
    a silent fallback.
    """
    path = resource_location(package, *parts)
    if not path.exists():
        raise ConfigError(f"{'/'.join(parts)} is missing from the installed package {package} ({path}); "
                          f"reinstall synth (pip install --force-reinstall synth) or restore the file from the repository")
    return path
