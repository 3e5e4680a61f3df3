"""Coverage-guided fuzzing of decoding and extraction with atheris (on demand, not a test).

    pip install atheris && python fuzz/fuzz_extract.py -max_total_time=60

Each input is read as file bytes: decoded as ``claimtrack add`` would decode them, then, when
they decode, extracted. A crash is any exception other than a refusal (``InputError``), or a
claim whose span does not slice the text to its own ``text``. libFuzzer options (``-max_len``,
``-jobs``, a corpus directory such as ``examples/``) pass through on the command line.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore  # untyped, and installed only to fuzz

with atheris.instrument_imports():
    from claimtrack.decode import InputError, decode
    from claimtrack.extract import extract_text


def check(data: bytes) -> None:
    """Decode and extract ``data``; raise on anything a user should never see."""
    try:
        text, encoding = decode(data)
    except InputError:
        return  # a refusal with a reason is a correct answer for bytes that are not text
    result = extract_text(text, encoding=encoding)
    for claim in result.claims:
        if text[claim.start:claim.end] != claim.text:
            raise AssertionError(f"span {claim.start}..{claim.end} does not slice to {claim.text!r}")
        if claim.value < 0 or (claim.value_max is not None and claim.value_max < 0):
            raise AssertionError(f"negative value in {claim!r}")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
