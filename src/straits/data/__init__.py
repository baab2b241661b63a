"""Embedded default datasets, each in its own folder with SOURCE.md and LICENSE.md."""
