"""The JSON API for HR systems (Bearer token from ``pipdocs serve token``; OpenAPI at /docs):
envelopes and refusal records. A token sees only its user's envelopes (an admin's: all);
another user's envelope answers 404, as one that does not exist."""

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from pipdocs.core.errors import PipdocsError, PlanInvalid
from pipdocs.web import envelopes as env
from pipdocs.web.deps import ApiUser, ClientDep, Reader, ServiceDep
from pipdocs.web.models import User
from pipdocs.web.service import Service

router = APIRouter(prefix="/api/envelopes", tags=["envelopes"])


class WitnessBody(BaseModel):
    name: str = Field(max_length=300)
    title: str = Field(max_length=300)


class RefusalBody(BaseModel):
    """What HR adds to the service's facts of a decline (the rest is not theirs to say)."""

    witness: WitnessBody
    note: str = Field(default="", max_length=500)  # printed apart, as HR's note


def envelope_or_404(session: Session, user: User, envelope_id: str) -> Any:
    envelope = env.get_envelope(session, user, envelope_id)
    if envelope is None:
        raise HTTPException(404, "no such envelope")
    return envelope


def document_response(service: Service, session: Session, user: User,
                      envelope_id: str) -> Response:
    """The envelope's current PDF as a download (checked against its SHA-256)."""
    envelope = envelope_or_404(session, user, envelope_id)
    data = service.read_document(envelope)
    name = f"{envelope.plan_id}-{envelope.status}.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _json(service: Service, user: User, envelope_id: str) -> dict[str, Any]:
    with service.readers() as session:
        return env.envelope_json(envelope_or_404(session, user, envelope_id))


@router.post("", status_code=201)
def create(user: ApiUser, service: ServiceDep, client: ClientDep,
           file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Create an envelope for a prepared pipdocs PDF; the first signer's link is mailed."""
    envelope = env.create_envelope(service, file.file.read(), user, client)
    return _json(service, user, envelope.id)


@router.get("")
def listing(user: ApiUser, session: Reader) -> list[dict[str, Any]]:
    return [env.envelope_json(e) for e in env.list_envelopes(session, user)]


@router.get("/{envelope_id}")
def read(envelope_id: str, user: ApiUser, session: Reader) -> dict[str, Any]:
    return env.envelope_json(envelope_or_404(session, user, envelope_id))


@router.get("/{envelope_id}/document", response_class=Response)
def document(envelope_id: str, user: ApiUser, session: Reader, service: ServiceDep) -> Response:
    """The current PDF (the final one once completed)."""
    return document_response(service, session, user, envelope_id)


@router.post("/{envelope_id}/cancel")
def cancel(envelope_id: str, user: ApiUser, service: ServiceDep,
           client: ClientDep) -> dict[str, Any]:
    if env.cancel(service, envelope_id, user, client) is None:
        raise HTTPException(404, "no such envelope")
    return _json(service, user, envelope_id)


@router.post("/{envelope_id}/resend")
def resend(envelope_id: str, user: ApiUser, service: ServiceDep,
           client: ClientDep) -> dict[str, Any]:
    if env.resend(service, envelope_id, user, client) is None:
        raise HTTPException(404, "no such envelope")
    return _json(service, user, envelope_id)


@router.post("/{envelope_id}/refusal", status_code=201)
def refusal(envelope_id: str, body: RefusalBody, user: ApiUser, service: ServiceDep,
            client: ClientDep) -> dict[str, Any]:
    """Record the employee's decline of this envelope as a refusal record (拒签记录) and
    send it to its signers (manager, then HR). The date, the document, how it was
    delivered and the reason come from the service; you give the witness, and may add a
    note, printed apart as HR's. Answers 409 unless the employee declined and no record is
    in progress or signed."""
    from pipdocs.web.ceremony import Refused
    from pipdocs.web.refusal import record_refusal

    try:
        envelope = record_refusal(service, envelope_id, user, body.witness.name,
                                  body.witness.title, body.note, client)
    except Refused:
        raise
    except PlanInvalid as exc:
        raise HTTPException(422, [{"path": p.path, "message": p.message}
                                  for p in exc.problems]) from exc
    except PipdocsError as exc:
        raise HTTPException(422, str(exc)) from exc
    return _json(service, user, envelope.id)
