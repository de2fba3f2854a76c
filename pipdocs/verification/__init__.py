"""Verification: fail-closed checks of a signed PDF and the reports (text, JSON, HTML).

Imports only document and the layers below it.
"""
