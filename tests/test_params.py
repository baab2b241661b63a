"""The one validation idiom: declared constraints, read back to generate bad inputs.

Every function registered in :data:`straits.params.REGISTRY` (every public engine function)
is called once per invalid value of each declared parameter, the others filled with valid
examples; each call must raise a StraitsError before doing any work, never another error.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import straits
from straits.errors import ParameterError, StraitsError, UnknownCodeError
from straits.params import (
    REGISTRY,
    Economies,
    Economy,
    Interval,
    Month,
    Options,
    Products,
    YearSpec,
    spec_of,
    validate_params,
)


def _import_all() -> None:
    for mod in pkgutil.walk_packages(straits.__path__, "straits."):
        if mod.name.startswith(("straits.cli", "straits.api", "straits.web")):
            continue
        try:
            importlib.import_module(mod.name)
        except ImportError as exc:  # an optional extra (pyspark) is not installed
            if "straits" in str(exc.name or ""):
                raise


_import_all()
CASES = []
for _name, _fn in sorted(REGISTRY.items()):
    _spec = spec_of(_fn)
    for _param, _constraint in _spec.constraints.items():
        for _bad in _constraint.invalid():
            CASES.append(pytest.param(_name, _param, _bad, id=f"{_name}:{_param}={_bad!r}"[:120]))


def _valid_kwargs(fn) -> dict:
    spec = spec_of(fn)
    sig = inspect.signature(fn)
    kw = {}
    for name, p in list(sig.parameters.items())[1:]:  # the first is the warehouse
        if p.default is inspect.Parameter.empty or name in spec.constraints:
            c = spec.constraints.get(name)
            if c is not None and (p.default is inspect.Parameter.empty or p.default is None):
                kw[name] = c.example() if p.default is inspect.Parameter.empty else p.default
    return kw


def test_registry_covers_the_public_functions():
    names = set(REGISTRY)
    assert "straits.flows.flows" in names
    assert len(names) >= 3


@pytest.mark.parametrize(("name", "param", "bad"), CASES)
def test_bad_parameter_is_a_straits_error(session, name, param, bad):
    fn = REGISTRY[name]
    kw = _valid_kwargs(fn)
    # distinct economy parameters get distinct valid examples
    spec = spec_of(fn)
    others = iter(["JPN", "CHN", "USA", "DEU"])
    for group in spec.distinct:
        for p in group[1:]:
            if p in kw and kw[p] == "KOR":
                kw[p] = next(others)
    kw[param] = bad
    with pytest.raises(StraitsError):
        fn(session.backend, **kw)


def test_distinct_economies_are_rejected(session):
    from straits.flows import trade_summary

    for a, b in (("KOR", "KOR"), ("KOR", "KR"), ("Korea", "410")):
        with pytest.raises(ParameterError, match="different economies"):
            trade_summary(session.backend, a, b)


def test_message_form():
    @validate_params({"cut": Interval(float, 0, 1)})
    def shock_like(wh, *, cut=1.0):
        return cut

    with pytest.raises(ParameterError) as e:
        shock_like(None, cut=1.5)
    assert str(e.value) == ("The 'cut' parameter of shock_like must be a float in [0, 1]. "
                            "Got 1.5 instead.")
    assert shock_like(None, cut=0) == 0


@pytest.mark.parametrize(("constraint", "good"), [
    (Interval(float, 0, 1), [0, 0.5, 1]),
    (Interval(int, 1, None), [1, 10**6]),
    (Options("hs2", "hs4", "hs6"), ["hs4", "HS6"]),
    (Economy(), ["KOR", "Korea", "EU27", "KOR+JPN", "490"]),
    (Economies(), ["KOR,JPN", ["KOR", "EU27"], "KOR, JPN"]),
    (Products(), ["811292", "2504,8112", ["850511"]]),
    (YearSpec(many=True), [None, 2024, [2023, 2024]]),
    (Month(), ["2019-07", None]),
])
def test_constraints_accept_and_reject(constraint, good):
    for v in good:
        constraint.validate("p", "f", v)
    for v in constraint.invalid():
        with pytest.raises(StraitsError):
            constraint.validate("p", "f", v)
    assert constraint.example() is not None or constraint.none_ok


def test_unknown_names_are_unknown_code_errors():
    with pytest.raises(UnknownCodeError, match="'importer' parameter of f"):
        Economies().validate("importer", "f", "KOR,Atlantis")
