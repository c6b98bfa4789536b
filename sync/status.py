"""The status of a submission, as central sets it and everyone shows it."""

from __future__ import annotations

from ventanilla.i18n import N_

# In workflow order (DESIGN.md, "Status workflow").
STATUS_LABELS = {
    "recibido": N_("Recibido"),
    "en_revision": N_("En revisión"),
    "observado": N_("Observado"),
    "aprobado": N_("Aprobado"),
    "rechazado": N_("Rechazado"),
    "resuelto": N_("Resuelto"),
    "cerrado": N_("Cerrado"),
}

# recibido → en_revision → observado ⇄ en_revision → aprobado | rechazado | resuelto → cerrado,
# with reopening from resuelto or cerrado.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "recibido": ("en_revision",),
    "en_revision": ("observado", "aprobado", "rechazado", "resuelto"),
    "observado": ("en_revision",),
    "aprobado": ("cerrado",),
    "rechazado": ("cerrado",),
    "resuelto": ("cerrado", "en_revision"),
    "cerrado": ("en_revision",),
}


def can_change(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())
