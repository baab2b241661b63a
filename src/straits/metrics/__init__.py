"""Trade metrics: totals, market shares, concentration (HHI), RCA, bilateral indices, complexity.

Every function takes a :class:`~straits.warehouse.protocol.Warehouse` first and keyword-only
options, and returns a long pandas DataFrame with a ``year`` column (``year`` may be one year
or a list; ``None`` is the latest loaded year) and a :class:`~straits.provenance.Provenance`
attached. A bloc (``EU27``, ``KOR+JPN``) is one economy in every function: trade among its
members is left out. Modules: :mod:`~straits.metrics.shares`,
:mod:`~straits.metrics.concentration`, :mod:`~straits.metrics.rca`,
:mod:`~straits.metrics.bilateral`, :mod:`~straits.metrics.complexity` (ECI/PCI, Fitness),
:mod:`~straits.metrics.space` (proximity, density, COI/COG), :mod:`~straits.metrics.eci` (the
published Atlas ECI); the dense maths is in :mod:`straits._kernels.complexity`, the SQL in
:mod:`straits.warehouse.metrics_sql`, the pre-summed tables in
:mod:`straits.warehouse.aggregates`.
"""
