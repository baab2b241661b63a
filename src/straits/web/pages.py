"""The dashboard's routes: one server-rendered page per view, its state in the URL.

Every page is a GET with its inputs as query parameters (``/shock?exporter=CHN&...&lang=ko``),
so a view can be bookmarked and sent to a colleague, who opens it in their own language by
changing ``lang``. Pages call the same engines as the API through the same cached path
(:func:`straits.api.routing.compute`), so a page and the API agree to the last digit.
A bad input renders the page with the message (400), never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, Response

from straits.api.routing import holding
from straits.api.state import Unavailable
from straits.errors import StraitsError
from straits.web import assets
from straits.web.i18n import LANG_NAMES, translator

_ENV = Environment(loader=FileSystemLoader(str(assets.static_dir().parent / "templates")),
                   autoescape=select_autoescape(["html", "j2"]), auto_reload=False)

#: (path, nav key) of every page, in menu order.
PAGES = [("/", "overview"), ("/dependency", "dependency"), ("/chokepoints", "chokepoints"),
         ("/shock", "shock"), ("/event", "event"), ("/watch", "watch"), ("/chain", "chain"),
         ("/report", "report"), ("/data", "data")]


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "en")
    return lang if lang in LANG_NAMES else "en"


def _url_with(request: Request, **changes: str) -> str:
    q = dict(request.query_params)
    q.update(changes)
    return f"{request.url.path}?{urlencode(q)}"


def render(request: Request, name: str, page: str, build: Callable[[Any], dict[str, Any]]) -> Response:
    """The page ``name`` with the context ``build(tr)`` returns, or the page's error.

    A page is fully determined by its URL and the warehouse file that answers it, so the
    rendered HTML is cached per file (like the engine answers): a warm page costs a lookup.
    """
    tr = translator(_lang(request))
    key = ("page", request.url.path, *sorted(request.query_params.multi_items()))
    state = request.app.state.warehouse
    try:
        with holding(request):  # one warehouse file for every table of the page
            gen = request.state.held
            html = state.cached(gen, key, lambda: _html(request, name, page, tr, build(tr)))
        return HTMLResponse(html)
    except StraitsError as exc:
        return HTMLResponse(_html(request, name, page, tr, {"error": str(exc)}), 400)
    except Unavailable as exc:
        return HTMLResponse(_html(request, name, page, tr, {"error": str(exc)}), 503,
                            headers={"Retry-After": str(exc.retry_after)})


def _html(request: Request, name: str, page: str, tr: Any, ctx: dict[str, Any]) -> str:
    base = {"request": request, "tr": tr, "lang": tr.lang, "page": page, "pages": PAGES,
            "langs": LANG_NAMES, "q": dict(request.query_params),
            "lang_url": lambda lg: _url_with(request, lang=lg),
            "nav_url": lambda path: f"{path}?{urlencode({'lang': tr.lang})}"}
    return _ENV.get_template(name).render({**base, **ctx})


def mount(app: FastAPI) -> None:
    """Add the dashboard's pages and static files to ``app``."""
    from straits.web import views_pair, views_security

    static = assets.static_dir()

    @app.get("/static/web/{name}", include_in_schema=False)
    def web_static(name: str) -> Response:
        files = {"style.css": "text/css", "app.js": "text/javascript"}
        if name == "vega.js":
            return Response(assets.vega_bundle(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})
        if name not in files:
            return Response(status_code=404)
        return Response((static / name).read_bytes(), media_type=files[name],
                        headers={"Cache-Control": "public, max-age=3600"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    for module in (views_pair, views_security):
        for path, (template, page, build) in module.VIEWS.items():
            _add(app, path, template, page, build)


def _add(app: FastAPI, path: str, template: str, page: str,
         build: Callable[[Request, Any], dict[str, Any]]) -> None:
    def view(request: Request) -> Response:
        return render(request, template, page, lambda tr: build(request, tr))

    view.__name__ = f"page_{page}"
    app.get(path, include_in_schema=False, response_class=HTMLResponse)(view)
