"""Plain option values parsed without Pydantic, so a command starts fast.

Typer 0.2x coerces every option value through a Pydantic ``TypeAdapter``: importing Pydantic
and building the adapters costs about 0.1 s of CPU per command, a fifth of the half-second a
look-up may take. The options Straits declares are plain (str, int, float, bool, a ``Path``
without existence checks, a ``StrEnum``), and converting those is one line each, so
:func:`install` gives such parameters a light converter with the same outcome and Typer's
error form (``BadParameter``); any other parameter keeps Typer's own coercion.

This leans on Typer's private ``_TyperParameter._runtime_param`` and
``typer._coercion.RuntimeParam``. If a Typer release renames them, :func:`install` does nothing
and Typer's path runs unchanged: slower, never wrong. A test runs ``straits flows`` in a fresh
interpreter and checks that Pydantic was not imported, so such a change is noticed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer import BadParameter

try:  # Typer internals (see the module notes)
    from typer._coercion import RuntimeParam
except ImportError:  # pragma: no cover - a Typer without them: keep its own coercion
    RuntimeParam = None  # type: ignore[assignment,misc]

_PLAIN = (str, int, float, bool)
_PATH_FLAGS = ("exists", "writable", "resolve_path", "allow_dash", "path_type")


def _plain(descriptor: Any) -> bool:
    """True when a parameter's type can be converted without Typer's adapters."""
    info = descriptor.parameter_info
    ann = descriptor.annotation
    if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None:
        return False
    if getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
        return False
    if ann in _PLAIN:
        return True
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return True
    if ann is Path:
        return not any(getattr(info, f, None) for f in _PATH_FLAGS) and getattr(
            info, "readable", True) and getattr(info, "file_okay", True) and getattr(
            info, "dir_okay", True)
    return False


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        """Converts a command-line string to str, int, float, bool, Path or an enum member."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            ann = self.annotation
            if isinstance(value, ann) and not (ann is int and isinstance(value, bool)):
                return value
            text = str(value)
            try:
                if ann is str:
                    return text
                if ann is int:
                    return int(text)
                if ann is float:
                    return float(text)
                if ann is bool:
                    return _bool(text)
                if ann is Path:
                    return Path(text)
                return _member(ann, text, self.parameter_info.case_sensitive)
            except ValueError as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in ("1", "true", "t", "yes", "y", "on"):
        return True
    if low in ("0", "false", "f", "no", "n", "off", ""):
        return False
    raise ValueError(f"{text!r} is not a valid boolean.")


def _member(cls: type[enum.Enum], text: str, case_sensitive: bool) -> enum.Enum:
    for m in cls:
        v = str(m.value)
        if v == text or (not case_sensitive and v.lower() == text.lower()):
            return m
    raise ValueError(f"{text!r} is not one of {', '.join(repr(str(m.value)) for m in cls)}.")


def install(params: list[Any]) -> None:
    """Give each plain parameter of a command the light converter (see the module notes)."""
    if RuntimeParam is None:
        return
    for p in params:
        descriptor = getattr(p, "type_descriptor", None)
        if descriptor is None or not hasattr(p, "_runtime_param") or p._runtime_param is not None:
            continue
        if _plain(descriptor) and not descriptor.is_list and not descriptor.is_tuple:
            p._runtime_param = PlainParam(descriptor.parameter_info, descriptor.annotation)
