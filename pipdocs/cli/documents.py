"""Plan and document commands: schema, validate, render, pdf, templates."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipdocs.cli.app import (
    DIR_PATH,
    EXISTING_FILE,
    POLICY_OPTION,
    SEAL_OPTION,
    OutputFile,
    cli,
    err,
    sealer,
    warn,
)
from pipdocs.core.i18n import plan_language, tr


@cli.command()
def schema() -> None:
    """Print the JSON Schema of a plan file."""
    import json

    from pipdocs.core.plan import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("plan", type=EXISTING_FILE)
def validate(plan: Path) -> None:
    """Check a plan file (.yaml/.yml/.json); exit 0 when valid, 1 when not."""
    from pipdocs.core.plan import load_plan

    loaded = load_plan(plan)
    for warning in loaded.warnings():
        warn(plan, warning, loaded.language)
    with plan_language(loaded.language):
        click.echo(tr("{path}: valid ({plan_id}, {language}, {role})").format(
            path=plan, plan_id=loaded.plan_id, language=loaded.language, role=loaded.role))



@cli.command("render")
@click.argument("plan", type=EXISTING_FILE)
@click.option("-o", "--output", "out", type=OutputFile(".docx"), required=True,
              help="The .docx to write.")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Use this template directory (zh/, en/)."
)
def render_command(plan: Path, out: Path, templates: Path | None) -> None:
    """Render a plan into its role template: a Word document."""
    from pipdocs.core.plan import load_plan
    from pipdocs.document.render import render_docx
    from pipdocs.document.templates import find_template

    loaded = load_plan(plan)
    for warning in loaded.warnings():
        warn(plan, warning, loaded.language)
    written = render_docx(loaded, out, templates)
    used = find_template(loaded.language, loaded.role, templates)
    with plan_language(loaded.language):
        click.echo(tr("{path}: rendered {plan_id} from {template}").format(
            path=written, plan_id=loaded.plan_id, template=used))


@cli.group("templates")
def templates_group() -> None:
    """List the Word templates, or check one after editing it."""


@templates_group.command("list")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Look in this template directory instead."
)
def templates_list(templates: Path | None) -> None:
    """Which template each language and role uses, and where it is."""
    from pipdocs.document.templates import list_templates

    missing = 0
    for info in list_templates(templates):
        where = f"{info.path} ({info.source})" if info.path else "missing"
        missing += info.path is None
        click.echo(f"{info.language}  {info.role:<17} {where}")
    if missing:
        err(f"error: {missing} template(s) missing; copy them from the built-in templates")
        sys.exit(1)


@templates_group.command("check")
@click.argument("template", type=EXISTING_FILE)
@click.option("--kind", type=click.Choice(["plan", "checkin", "evaluation", "refusal", "revision"]),
              default=None, help="Which document the template is for (default: from its file"
              " name: checkin.docx, evaluation.docx, refusal.docx, revision.docx; else a plan).")
def templates_check(template: Path, kind: str | None) -> None:
    """Check an edited template: Jinja syntax, names a plan lacks, signature boxes."""
    from pipdocs.core.policy import load_policy
    from pipdocs.document.templates import check_template
    from pipdocs.lifecycle.contexts import TEMPLATE_CONTEXTS

    kind = kind or (template.stem if template.stem in TEMPLATE_CONTEXTS else "plan")
    if kind == "plan":
        problems = check_template(template)
        what = "plan fields and the three signature boxes"
    else:
        roles = () if kind == "revision" else load_policy().order_for(kind)
        problems = check_template(template, TEMPLATE_CONTEXTS[kind], roles)
        boxes = f"signature boxes for {', '.join(roles)}" if roles else "no signature boxes"
        what = f"{kind} fields and {boxes}"
    for problem in problems:
        err(f"error: {template}: {problem}")
    if problems:
        sys.exit(1)
    click.echo(f"{template}: ok (syntax, {what})")


@cli.command("pdf")
@click.argument("plan", type=EXISTING_FILE)
@click.option("-o", "--output", "out", type=OutputFile(".pdf"), required=True,
              help="The PDF to write.")
@click.option(
    "--templates", type=DIR_PATH, default=None, help="Use this template directory (zh/, en/)."
)
@POLICY_OPTION
@SEAL_OPTION
def pdf_command(plan: Path, out: Path, templates: Path | None, policy_file: Path | None,
                seal_dir: Path | None) -> None:
    """Render, convert and prepare a plan: a PDF with empty signature fields, ready to sign in
    the policy's order (recorded in the PDF), sealed by the organisation with --seal."""
    from pipdocs.core.plan import SIGNATURE_FIELDS, load_plan
    from pipdocs.core.policy import load_policy
    from pipdocs.document.pipeline import build_pdf

    policy = load_policy(policy_file)
    loaded = load_plan(plan)
    for warning in loaded.warnings():
        warn(plan, warning, loaded.language)
    written = build_pdf(loaded, out, templates, policy, sealer(seal_dir, policy))
    fields = ", ".join(SIGNATURE_FIELDS.values())
    with plan_language(loaded.language):
        order = " → ".join(policy.role_label(role, "zh") for role in policy.order) \
            if loaded.language == "zh" else " -> ".join(policy.order)
        sealed = tr("; sealed by the organisation") if seal_dir else ""
        click.echo(tr("{path}: ready to sign ({plan_id}; fields {fields}; order {order}{sealed})")
                   .format(path=written, plan_id=loaded.plan_id, fields=fields, order=order,
                           sealed=sealed))
