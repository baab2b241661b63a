"""Session shortcuts for the value-chain engine (ETO chips, input-output)."""

from __future__ import annotations

from typing import Any


class ValueChainMixin:
    """Methods mixed into :class:`straits.session.Session`.

    The ETO and WIOD data are read from the package (or a user folder), not the warehouse, so
    these shortcuts only forward to :mod:`straits.valuechain.chips` and
    :mod:`straits.valuechain.io`.
    """

    def chain(self, **kw: Any) -> Any:
        """Shares of countries and firms on every chip input; see ``valuechain.chips.chain``."""
        from straits.valuechain.chips import chain

        return chain(**kw)

    def chokepoints(self, **kw: Any) -> Any:
        """Chip-supply chokepoints; see ``valuechain.chips.chokepoints``."""
        from straits.valuechain.chips import chokepoints

        return chokepoints(**kw)

    def chain_pair(self, a: str, b: str, **kw: Any) -> Any:
        """Two countries along the chip chain; see ``valuechain.chips.chain_pair``."""
        from straits.valuechain.chips import chain_pair

        return chain_pair(a, b, **kw)

    def chain_downstream(self, input_id: str, **kw: Any) -> Any:
        """Downstream paths of a chip input; see ``valuechain.chips.downstream``."""
        from straits.valuechain.chips import downstream

        return downstream(input_id, **kw)

    def io_shock(self, **kw: Any) -> Any:
        """Input-output supply-cut propagation; see ``valuechain.io.io_shock``."""
        from straits.valuechain.io import io_shock

        return io_shock(**kw)

    def foreign_input_reliance(self, **kw: Any) -> Any:
        """Face-value and look-through input reliance; see ``valuechain.io.foreign_input_reliance``."""
        from straits.valuechain.io import foreign_input_reliance

        return foreign_input_reliance(**kw)
