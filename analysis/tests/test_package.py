"""analysis/ is an installable package (pyproject.toml): pip installs `inflanet_io` into a fresh temporary prefix,
and the installed module, not the source tree's, imports there and reads a file.

The install copies pyproject.toml and inflanet_io.py to a temporary directory first, so the build writes nothing
into the source tree (ctest may run other analysis tests beside this one). `--target` installs without
touching Debian's site-packages, so pip's PEP 668 refusal of system installs does not apply; `--no-deps` and
`--no-build-isolation` use Debian's h5py, numpy and setuptools as they are (no index is reached).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parent.parent


def test_the_installed_package_imports_from_a_fresh_prefix(tmp_path):
    source, prefix = tmp_path / "source", tmp_path / "prefix"
    source.mkdir()
    for name in ("pyproject.toml", "inflanet_io.py"):
        shutil.copy(ANALYSIS / name, source / name)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(prefix), str(source)],
        capture_output=True, text=True, timeout=300, env=dict(os.environ, PIP_NO_CACHE_DIR="1",
                                                              PIP_DISABLE_PIP_VERSION_CHECK="1"))
    assert install.returncode == 0, install.stdout + install.stderr
    assert (prefix / "inflanet_io.py").is_file()
    assert any(p.name.startswith("inflanet_io-0.1.0") and p.suffix == ".dist-info" for p in prefix.iterdir())
    # A clean interpreter (no user site, cwd outside analysis/) that sees the prefix only.
    probe = ("import inflanet_io, importlib.metadata as m, pathlib; "
             "print(pathlib.Path(inflanet_io.__file__).resolve()); print(m.version('inflanet-io')); "
             "print(inflanet_io.si_unit([0, 0, 1, 0, 0, 0, 0]))")
    result = subprocess.run([sys.executable, "-s", "-c", probe], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(prefix)))
    assert result.returncode == 0, result.stderr
    where, version, unit = result.stdout.split()
    assert Path(where) == (prefix / "inflanet_io.py").resolve()
    assert version == "0.1.0" and unit == "s"
