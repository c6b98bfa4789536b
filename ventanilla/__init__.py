"""Ventanilla: offline-first kiosks for the Sub Alcaldías of Cochabamba."""

__version__ = "0.1.0"
