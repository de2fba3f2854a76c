"""Bulk: spreadsheets in, one signable PDF per row out, resumable.

Imports signing, verification, document, conversion and core.
"""
