"""The package version, in one place below every layer that reports it."""

__version__ = "0.2.0"
