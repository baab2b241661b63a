"""Economic-security engine: dependency screens, mutual and shared dependence, shocks, events.

Modules: :mod:`~straits.security.dependency` (``dependency``, ``dependency_all``),
:mod:`~straits.security.mutual` (``mutual``, ``shared_dependence``),
:mod:`~straits.security.shock` (``shock``), :mod:`~straits.security.events` (``event``) and
:mod:`~straits.security.presets` (real export-control events). Each function takes a session
first; the same calls are available as session shortcuts (``s.dependency(...)``).
"""
