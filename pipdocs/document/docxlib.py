"""docxtpl and docxcompose, imported without breaking python-docx's core properties.

docxcompose (which docxtpl imports when it is installed, and which :func:`render.compose_docx`
uses) maps python-docx's process-wide namespace prefix ``cp`` to the custom-properties namespace
(docxcompose issue #101, docxtpl issue #471). From then on ``core_properties.keywords``,
``last_modified_by`` or ``revision`` read nothing and write a second element in the wrong
namespace, which Word reports as a damaged file. docxcompose keeps its own namespace table, so
putting python-docx's prefix back changes nothing for it. Import both through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

#: The namespace python-docx means by ``cp``: the package's core properties (docProps/core.xml).
CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def restore_core_prefix() -> None:
    """Point python-docx's ``cp`` prefix back at the core-properties namespace."""
    from docx.oxml.ns import nsmap

    nsmap["cp"] = CORE_PROPERTIES


def docx_template() -> type[DocxTemplate]:
    """docxtpl's DocxTemplate class, with python-docx's namespaces intact."""
    from docxtpl import DocxTemplate

    restore_core_prefix()
    return DocxTemplate


def composer() -> type[Composer]:
    """docxcompose's Composer class, with python-docx's namespaces intact."""
    from docxcompose.composer import Composer

    restore_core_prefix()
    return Composer
