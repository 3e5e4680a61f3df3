"""claimtrack: figures in war and disaster reporting, with who said them, when and where."""

__version__ = "0.1.0"


def compiled() -> bool:
    """Whether the extraction modules run as C extensions built by mypyc (see setup.py)."""
    from claimtrack import extract

    return not (extract.__file__ or "").endswith(".py")
