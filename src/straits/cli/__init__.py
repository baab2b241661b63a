"""The ``straits`` command line: one module per group of commands."""
