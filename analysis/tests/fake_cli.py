"""The command line the test doubles of `inflanet run DECK key=value ...` share: the deck's values by dotted key,
with the overrides applied as inflanet applies them (TOML literals, bare words as strings)."""

import sys
import tomllib


def parse_value(text: str):
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text  # bare strings, as inflanet's command line accepts them


def read_run(argv, program: str):
    """The resolved values of `run DECK key=value ...`, or None (after a usage message) for other arguments."""
    if len(argv) < 2 or argv[0] != "run":
        print(f"usage: {program} run DECK [key=value ...]", file=sys.stderr)
        return None
    with open(argv[1], "rb") as f:
        deck = tomllib.load(f)
    values = {f"{section}.{key}": value for section, keys in deck.items() for key, value in keys.items()}
    for override in argv[2:]:
        key, _, text = override.partition("=")
        values[key] = parse_value(text)
    return values
