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
