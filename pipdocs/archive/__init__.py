"""Keeping signed records verifiable for years: archive refresh and status (PAdES B-LTA)."""
