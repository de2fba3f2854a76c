"""Conversion: Word to PDF with LibreOffice, one call or a pool of warm workers.

Imports only core.
"""
