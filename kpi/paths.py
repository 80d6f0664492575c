"""Where the data folder and targets.yaml are: flag, then environment, then the project's defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "KPI_DATA_DIR"
TARGETS_ENV = "KPI_TARGETS"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    value = explicit or os.environ.get(DATA_ENV)
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / "data"


def targets_path(explicit: str | os.PathLike | None = None) -> Path:
    value = explicit or os.environ.get(TARGETS_ENV)
    return Path(value).expanduser().resolve() if value else PROJECT_ROOT / "targets.yaml"


def is_example_data(folder: Path) -> bool:
    """The bundled example data carries a marker file; real data folders do not."""
    return (folder / "EXAMPLE_DATA").exists()


ACCESS_ENV = "KPI_ACCESS"


def access_path(explicit: str | os.PathLike | None = None, targets: Path | None = None) -> Path:
    """``access.yaml``: flag, then ``$KPI_ACCESS``, else beside targets.yaml (roles live with the goals)."""
    value = explicit or os.environ.get(ACCESS_ENV)
    if value:
        return Path(value).expanduser().resolve()
    return (targets or targets_path()).parent / "access.yaml"
