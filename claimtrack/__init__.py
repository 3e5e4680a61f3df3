"""claimtrack: figures in war and disaster reporting, with who said them, when and where."""

__version__ = "0.1.0"
