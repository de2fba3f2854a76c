"""Signing: the organisation CA, the timestamp server and client, PAdES signatures and stamps.

Imports only document and the layers below it.
"""
