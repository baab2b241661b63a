"""API routes for the value chain: ETO chip-chain shares and chokepoints, WIOD input-output."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from straits.api.routing import Endpoint, PageDep, answer
from straits.params import Interval, Text, YearSpec

router = APIRouter(tags=["value chain"])

REGIONS = Text(max_len=200)  # WIOD region / sector codes, resolved by the engine


def _cite_attrs(df, dataset: str):
    """ETO/WIOD engines keep source, method and licence in ``attrs``; make them provenance."""
    from straits.provenance import Provenance, attach, of

    if of(df) is not None:
        return df
    a = df.attrs
    method = a.get("method", "")
    if isinstance(method, dict):
        method = "; ".join(f"{k}: {v}" for k, v in method.items())
    notes = tuple(n for n in (a.get("missing"),) if n)
    out = df.copy()
    return attach(out, Provenance(source=str(a.get("source", dataset)), dataset=dataset,
                                  method=str(method), notes=notes, licence=a.get("licence")))


CHAIN = Endpoint("chain", "straits.valuechain.chips.chain", {
    "country": Text(max_len=100, none_ok=True), "input": Text(max_len=100, none_ok=True)})


@router.get("/chain", summary="Chip supply chain: shares of countries and firms (ETO)")
def chain(request: Request, page: PageDep,
          country: Annotated[str | None, CHAIN.q("country", "Rows of one country and its "
                                                 "firms.")] = None,
          input: Annotated[str | None, CHAIN.q("input", "One input or stage: name or "  # noqa: A002
                                               "id (N31).")] = None) -> Response:
    """Market shares (0-1) per input and provider. ETO data: CC BY-NC 4.0."""
    values = dict(country=country, input=input)
    return answer(request, page, CHAIN, values, lambda s: _cite_attrs(s.chain(**values), "eto"))


CHOKE = Endpoint("chain-chokepoints", "straits.valuechain.chips.chokepoints", {
    "country_threshold": Interval(float, 0, 1), "firm_top3_threshold": Interval(float, 0, 1)})


@router.get("/chain-chokepoints", summary="Chip inputs one country or three firms dominate")
def chain_chokepoints(request: Request, page: PageDep,
                      country_threshold: Annotated[float, CHOKE.q(
                          "country_threshold", "Top-country share threshold.")] = 0.65,
                      firm_top3_threshold: Annotated[float, CHOKE.q(
                          "firm_top3_threshold", "Top-3 firm share threshold.")] = 0.90,
                      all: Annotated[bool, Query(description="Every input, not only "  # noqa: A002
                                                 "chokepoints.")] = False) -> Response:
    """Inputs, their top country and share, firms' top-3 share, and the steps they feed."""
    values = dict(country_threshold=country_threshold, firm_top3_threshold=firm_top3_threshold)
    return answer(request, page, CHOKE, {**values, "all": all}, lambda s: _cite_attrs(
        s.chokepoints(**values, include_all=all), "eto"))


PAIR = Endpoint("chain-pair", "straits.valuechain.chips.chain_pair", {
    "a": Text(max_len=100), "b": Text(max_len=100), "joint_threshold": Interval(float, 0, 1),
    "weak_threshold": Interval(float, 0, 1)})


@router.get("/chain-pair", summary="Two countries along the chip chain")
def chain_pair(request: Request, page: PageDep,
               a: Annotated[str, PAIR.q("a", "First country.")] = "KOR",
               b: Annotated[str, PAIR.q("b", "Second country.")] = "JPN",
               joint_threshold: Annotated[float, PAIR.q("joint_threshold", "Joint share for "
                                                        "joint dominance.")] = 0.65,
               weak_threshold: Annotated[float, PAIR.q("weak_threshold", "Share below which "
                                                       "a country is weak.")] = 0.10) -> Response:
    """Both shares, leader, joint dominance and third-country dependence per input."""
    values = dict(a=a, b=b, joint_threshold=joint_threshold, weak_threshold=weak_threshold)
    return answer(request, page, PAIR, values,
                  lambda s: _cite_attrs(s.chain_pair(**values), "eto"))


DOWN = Endpoint("chain-downstream", "straits.valuechain.chips.downstream",
                {"input": Text(max_len=100)})


@router.get("/chain-downstream", summary="Paths from a chip input to the finished chip")
def chain_downstream(request: Request, page: PageDep,
                     input: Annotated[str, Query(max_length=100, description="Input name "  # noqa: A002
                                                 "or id, e.g. N31.")]) -> Response:
    """Every path from the input down the ETO sequence."""
    return answer(request, page, DOWN, dict(input=input),
                  lambda s: _cite_attrs(s.chain_downstream(input), "eto"))


IO_SHOCK = Endpoint("io-shock", "straits.valuechain.io.io_shock", {
    "supplier": REGIONS, "sector": REGIONS, "customer": REGIONS, "cut": Interval(float, 0, 1),
    "customer_sector": Text(max_len=200, none_ok=True), "year": YearSpec()})


@router.get("/io-shock", summary="Supply cut propagated through the WIOD table")
def io_shock(request: Request, page: PageDep,
             supplier: Annotated[str, IO_SHOCK.q("supplier", "Supplier country(ies).")] = "JPN",
             sector: Annotated[str, IO_SHOCK.q("sector", "Supplier industry(ies), c1-c35.")] = "c9",
             customer: Annotated[str, IO_SHOCK.q("customer", "Customer country(ies).")] = "KOR",
             cut: Annotated[float, IO_SHOCK.q("cut", "Fraction of the flows cut.")] = 0.5,
             customer_sector: Annotated[str | None, IO_SHOCK.q(
                 "customer_sector", "Customer industries (default all).")] = None,
             year: Annotated[int | None, IO_SHOCK.q("year", "WIOD year (2011 embedded).")] = None,
             ) -> Response:
    """country, industry, output_musd, leontief_loss_musd, ghosh_loss_musd and loss shares."""
    values = dict(supplier=supplier, sector=sector, customer=customer, cut=cut,
                  customer_sector=customer_sector, year=year)
    return answer(request, page, IO_SHOCK, values,
                  lambda s: _cite_attrs(s.io_shock(**values), "wiod"))


RELIANCE = Endpoint("io-reliance", "straits.valuechain.io.foreign_input_reliance", {
    "country": REGIONS, "supplier": Text(max_len=200, none_ok=True),
    "industry": Text(max_len=200, none_ok=True), "year": YearSpec()})


@router.get("/io-reliance", summary="Foreign input reliance, face value and look-through")
def io_reliance(request: Request, page: PageDep,
                country: Annotated[str, RELIANCE.q("country", "Using country.")] = "KOR",
                supplier: Annotated[str | None, RELIANCE.q("supplier", "Supplier "
                                                           "country(ies).")] = None,
                industry: Annotated[str | None, RELIANCE.q("industry", "Industries of the "
                                                           "country.")] = None,
                year: Annotated[int | None, RELIANCE.q("year", "WIOD year.")] = None) -> Response:
    """Reliance shares (0-1) by industry and supplier (Baldwin, Freeman & Theodorakopoulos)."""
    values = dict(country=country, supplier=supplier, industry=industry, year=year)
    return answer(request, page, RELIANCE, values,
                  lambda s: _cite_attrs(s.foreign_input_reliance(**values), "wiod"))
