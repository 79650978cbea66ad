"""Routes of the pages for people, the embed and the diagram. Thin: they read
parameters, call ``app.web.pages`` and the view modules, and render."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from app.api.deps import ReadSession, only_params
from app.api.responses import body_response
from app.errors import InvalidInput, NotFound, problem_responses
from app.web import audit_page, child, diagram, embed, pages
from app.web.changes import change_page, parse_page
from app.web.entity_view import entity_page
from app.web.html_errors import HTMLErrorRoute
from app.web.params import (
    CurrentRegister,
    RegisterDep,
    Slug,
    Text,
    Values,
    WhenDep,
    queried_register,
    register_at,
)
from app.web.register_view import RegisterView
from app.web.templating import STATIC, Links, render

HTML = "text/html; charset=utf-8"
STAMP_PARAMS = ("as_of", "version")
FILTER_PARAMS = ("q", "data_subject", "data_category", "recipient")
NOTICE_PARAMS = (*FILTER_PARAMS, *STAMP_PARAMS)

page_router = APIRouter(route_class=HTMLErrorRoute, include_in_schema=False)
asset_router = APIRouter(tags=["pages"])


def html(request: Request, body: str, status: int = 200) -> Response:
    if status != 200:
        return Response(body, status_code=status, media_type=HTML)
    return body_response(request, body.encode(), media_type=HTML)


def _home(request: Request, register: RegisterView, when: pages.When) -> Response:
    return html(request, render("home.html", **pages.home_context(register, when)))


@page_router.get("/", dependencies=[Depends(only_params(*STAMP_PARAMS))])
def home(request: Request, session: ReadSession, when: WhenDep) -> Response:
    """The notice's summary when the register holds one controller, else the list."""
    controllers = pages.controllers(session)
    if len(controllers) != 1:
        return html(request, render("controllers.html", controllers=controllers))
    return _home(request, register_at(request, session, controllers[0]["slug"], when), when)


@page_router.get("/controllers/{controller}", dependencies=[Depends(only_params(*NOTICE_PARAMS))])
def notice(
    request: Request,
    session: ReadSession,
    controller: Slug,
    when: WhenDep,
) -> Response:
    """The notice's summary. Searching or filtering the recipients, which
    this page once did, is the sharing section's now: such links are sent
    there with their query."""
    if any(request.query_params.get(name) is not None for name in FILTER_PARAMS):
        target = f"/controllers/{controller}/sharing?{request.url.query}"
        return RedirectResponse(target, status_code=301)
    return _home(request, register_at(request, session, controller, when), when)


@page_router.get(
    "/controllers/{controller}/child",
    dependencies=[Depends(only_params("data_subject", "age", *STAMP_PARAMS))],
)
def child_data(
    request: Request,
    register: RegisterDep,
    when: WhenDep,
    data_subject: Values = (),
    age: Text = None,
) -> Response:
    """What happens to a child's data at an age. Form errors re-render the
    form with an error summary (status 422), as GOV.UK forms do."""
    subjects = [s for s in data_subject if s]
    context = {
        "register": register,
        "links": pages.links_for(register, when),
        "banner": pages.banner(register, when),
        "nav": "child",
        "subjects": subjects,
        "age_text": age or "",
        "view": None,
        "error": None,
    }
    status = 200
    try:
        years = child.parse_age(age)
        if years is not None and not subjects:
            raise InvalidInput(
                "Select who the data is about.",
                errors=[{"field": "data_subject", "msg": "required", "type": "missing"}],
            )
        if years is None and subjects:
            raise InvalidInput(
                "Enter an age.", errors=[{"field": "age", "msg": "required", "type": "missing"}]
            )
        if years is not None:
            context["view"] = child.child_view(register, subjects, years)
    except InvalidInput as exc:
        field = (exc.extensions.get("errors") or [{}])[0].get("field", "age")
        context["error"] = {"field": field, "message": exc.detail}
        status = 422
    if age is None and not subjects:
        first = register.section("data_subjects")[:1]
        context["subjects"] = [s["slug"] for s in first]
    return html(request, render("child.html", **context), status)


@page_router.get("/controllers/{controller}/changes", dependencies=[Depends(only_params("page"))])
def changes(
    request: Request,
    session: ReadSession,
    controller: Slug,
    register: CurrentRegister,
    page: Text = None,
) -> Response:
    result = change_page(session, controller, parse_page(page))
    body = render(
        "changes.html",
        controller=register.controller,
        links=Links(controller),
        nav="changes",
        page=result,
    )
    return html(request, body)


@page_router.get("/controllers/{controller}/audit", dependencies=[Depends(only_params())])
def audit(request: Request, register: CurrentRegister) -> Response:
    """The completeness audit of the current register, as a printable page."""
    return html(request, render("audit.html", **audit_page.context(register)))


@page_router.get(
    "/controllers/{controller}/{part}", dependencies=[Depends(only_params(*NOTICE_PARAMS))]
)
def notice_part(
    request: Request,
    register: RegisterDep,
    when: WhenDep,
    part: Slug,
    q: Text = None,
    data_subject: Values = (),
    data_category: Values = (),
    recipient: Values = (),
) -> Response:
    """One section of the notice; the sharing section takes filters."""
    filters = pages.parse_filters(q, data_subject, data_category, recipient)
    template, context = pages.part_context(register, part, filters, when)
    return html(request, render(template, **context))


@page_router.get(
    "/controllers/{controller}/{section}/{slug}",
    dependencies=[Depends(only_params(*STAMP_PARAMS))],
)
def entity(
    request: Request, register: RegisterDep, when: WhenDep, section: Slug, slug: Slug
) -> Response:
    page = entity_page(register, section, slug)
    body = render(
        "entity.html",
        register=register,
        links=pages.links_for(register, when),
        banner=pages.banner(register, when),
        page=page,
    )
    return html(request, body)


@page_router.get(
    "/embed/recipients", dependencies=[Depends(only_params(*embed.PARAMS, *STAMP_PARAMS))]
)
def embed_recipients(
    request: Request,
    session: ReadSession,
    when: WhenDep,
    controller: Text = None,
    service: Values = (),
    data_subject: Values = (),
    data_category: Values = (),
) -> Response:
    """A small page listing recipients, made to be framed by other sites."""
    register = queried_register(request, session, controller or None, when)
    filters = pages.parse_filters(None, data_subject, data_category, None, service)
    groups = register.group_by_recipient(register.filter(filters))
    # Relative: resolved against the frame's own (the register's) address, so
    # no Host header can ever put another site's link into a cached page.
    notice_url = pages.links_for(register, when).notice()
    body = render(
        "embed_recipients.html",
        register=register,
        groups=groups,
        rows=embed.rows,
        css=embed.EMBED_CSS,
        notice_url=notice_url,
    )
    return html(request, body)


@asset_router.get(
    "/diagram.svg",
    summary="The data-flow diagram (SVG)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **problem_responses(404, 422, 501)},
    dependencies=[
        Depends(
            only_params(
                "controller", "recipient", "data_subject", "data_category", "layout", *STAMP_PARAMS
            )
        )
    ],
)
def diagram_svg(
    request: Request,
    session: ReadSession,
    when: WhenDep,
    controller: Text = None,
    recipient: Values = (),
    data_subject: Values = (),
    data_category: Values = (),
    layout: Annotated[
        Literal["wide", "narrow"],
        Query(description="`narrow` re-flows the diagram for a phone's width."),
    ] = "wide",
) -> Response:
    """Who the data is about, what it is and who receives it, drawn
    server-side; processors, special category data and our readings are
    marked."""
    register = queried_register(request, session, controller or None, when)
    filters = pages.parse_filters(None, data_subject, data_category, recipient)
    svg = diagram.diagram(register, register.filter(filters), diagram.SHAPES[layout])
    return body_response(request, svg.encode(), media_type="image/svg+xml")


@asset_router.get(
    "/embed/recipients.js",
    summary="Script rendering the recipient list into a host page",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {}}}, **problem_responses(422)},
    dependencies=[Depends(only_params())],
)
def embed_script(request: Request) -> Response:
    return body_response(request, embed.SCRIPT.body, media_type="text/javascript; charset=utf-8")


@asset_router.get("/static/{name:path}", include_in_schema=False)
def static_file(request: Request, name: str) -> Response:
    """Static files; a URL carrying the file's digest is cached for a year."""
    found = STATIC.get(name)
    if found is None:
        raise NotFound(f"No static file {name!r}.")
    versioned = request.query_params.get("v") == found.digest
    cache = "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"
    return body_response(
        request, found.body, media_type=found.media_type, headers={"Cache-Control": cache}
    )


router = APIRouter()
router.include_router(page_router)
router.include_router(asset_router)
