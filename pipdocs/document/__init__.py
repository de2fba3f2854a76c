"""Documents: templates, rendering to Word, and preparing the PDF for signing.

Imports only conversion and core.
"""
