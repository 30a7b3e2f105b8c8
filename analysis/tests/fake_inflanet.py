#!/usr/bin/python3
"""Stands in for `inflanet run DECK key=value ...` in the duality_scan.py tests: reads the deck, applies the
overrides, and writes a synthetic duality.h5 (synthetic_duality.py) into output.dir. Refuses, like the real
trainer's stability check, with exit status 3 when network.eta >= 1.5; refuses with status 2 when
duality.match is not "network" (the scan must ask for it)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_cli  # noqa: E402
import synthetic_duality  # noqa: E402



def main(argv) -> int:
    values = fake_cli.read_run(argv, "fake_inflanet.py")
    if values is None:
        return 2
    if values.get("duality.match") != "network":
        print("fake inflanet: duality.match must be \"network\" for a scan", file=sys.stderr)
        return 2
    eta, beta = float(values["network.eta"]), float(values["network.beta"])
    if eta >= 1.5:
        print(f"fake inflanet: error: eta = {eta} is unstable (eta c lambda_max >= 2 (1 + beta))", file=sys.stderr)
        return 3
    out = Path(values["output.dir"])
    print(f"fake inflanet: writing {out / 'duality.h5'}")
    synthetic_duality.write(out / "duality.h5", eta=eta, beta=beta, width=int(values["network.width"]),
                            depth=int(values["network.depth"]), activation=str(values["network.activation"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
