"""Find the files the package ships beside its code: seeds, assets and the dashboard script.

The client keeps ``seeds/``, ``assets/`` and ``dashboard.py`` at the top of the repository. A
wheel carries them inside the package as ``geo/_bundled/seeds``, ``geo/_bundled/assets`` and
``geo/_bundled/app`` (``pyproject.toml`` maps them at build time), so an installed Faultlines
runs from any folder; a checkout or an editable install reads them where they stand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

_PACKAGE: Final = Path(__file__).resolve().parent
_CHECKOUT: Final = _PACKAGE.parent

Bundled = Literal["seeds", "assets", "app"]


def bundled_dir(name: Bundled) -> Path:
    """Return the folder of the bundled `name`: inside an installed package, else the checkout's.

    Parameters
    ----------
    name : {"seeds", "assets", "app"}
        ``app`` is the folder that holds ``dashboard.py`` (and ``.streamlit/config.toml``).

    Returns
    -------
    pathlib.Path
        ``geo/_bundled/<name>`` when the package was installed from a wheel, else the
        top-level folder of the checkout (``seeds/``, ``assets/``, the repository root).
    """
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _CHECKOUT if name == "app" else _CHECKOUT / name


def dashboard_script() -> Path:
    """Return the path of ``dashboard.py``, the script ``streamlit run`` starts."""
    return bundled_dir("app") / "dashboard.py"
