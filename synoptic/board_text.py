"""The board as text or JSON, for ``synoptux status`` (scripts, monitoring, a server's shell)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from synoptic.domain import is_late
from synoptic.views import BoardSnapshot

__all__ = ["board_as_json", "board_as_text"]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ") if value else None


def _hm(value: datetime | None) -> str:
    return value.strftime("%d/%m %H:%M") if value else "—"


def board_as_json(board: BoardSnapshot, now: datetime) -> dict[str, Any]:
    ref = board.reference
    boxes = []
    late_total = 0
    for box in ref.boxes:
        patients = []
        for p in board.patients_in(box.code):
            tasks = []
            for t in p.tasks:
                late = is_late(t, now)
                late_total += late
                tt = ref.task_types.get(t.code)
                state = ref.states.get(t.state_code or "")
                tasks.append({
                    "num": t.num, "code": t.code, "label": tt.label if tt else t.code,
                    "known": tt is not None, "comment": t.comment,
                    "state": t.state_code, "state_label": state.label if state else None,
                    "planned_start": _iso(t.planned_start), "planned_end": _iso(t.planned_end),
                    "started_at": _iso(t.started_at), "ended_at": _iso(t.ended_at),
                    "priority": t.priority, "late": late, "revision": t.revision,
                })
            resp = ref.responsables.get(p.responsable or "")
            patients.append({
                "pk": p.pk, "last_name": p.last_name, "first_name": p.first_name,
                "guid": p.guid, "responsable": p.responsable,
                "responsable_name": (resp.name or resp.code) if resp else p.responsable,
                "comment": p.comment,
                "entered_at": _iso(p.entered_at), "moved_at": _iso(p.moved_at),
                "folded": p.folded, "hidden": p.hidden, "destination": p.destination,
                "revision": p.revision, "tasks": tasks,
            })
        boxes.append({
            "code": box.code, "label": box.label, "type": box.type.value,
            "capacity": box.capacity, "count": len(patients), "patients": patients,
        })
    orphans = [p.pk for p in board.patients if ref.box(p.box_code) is None]
    return {"generated_at": _iso(now), "late_tasks": late_total, "boxes": boxes,
            "patients_in_unknown_boxes": orphans}


def board_as_text(board: BoardSnapshot, now: datetime) -> str:
    data = board_as_json(board, now)
    lines = [f"Tableau au {now:%d/%m/%Y %H:%M} — {data['late_tasks']} tâche(s) en retard"]
    for box in data["boxes"]:
        cap = box["capacity"] if box["capacity"] else "∞"
        lines.append(f"\n[{box['code']}] {box['label']} ({box['type']}) — {box['count']}/{cap}")
        for p in box["patients"]:
            resp = p["responsable_name"] or "sans responsable"
            extra = f" → {p['destination']}" if p["destination"] else ""
            if box["type"] in ("Absence", "Sortie"):  # since when, as the board shows it
                since = "sortie" if box["type"] == "Sortie" else "depuis"
                extra += f" ({since} {_hm(_parse(p['moved_at']))})"
            lines.append(
                f"  • {p['last_name']} {p['first_name']}".rstrip()
                + f" — {resp} — {p['comment'] or ''}".rstrip(" —")
                + f" (entrée {_hm(_parse(p['entered_at']))}){extra}"
            )
            for t in p["tasks"]:
                mark = "  ⚠ EN RETARD" if t["late"] else ""
                state = t["state_label"] or "Non commencée"
                comment = f" ({t['comment']})" if t["comment"] else ""
                planned = _planned(_parse(t["planned_start"]), _parse(t["planned_end"]))
                lines.append(f"      - {t['label']}{comment} : {state}{planned}{mark}")
    if data["patients_in_unknown_boxes"]:
        lines.append(f"\nPatients dans un box inconnu : {data['patients_in_unknown_boxes']}")
    return "\n".join(lines)


def _planned(start: datetime | None, end: datetime | None) -> str:
    """When a task is planned, after its state: " — prévue de 01/12 10:20 à 01/12 10:50"."""
    if start and end:
        return f" — prévue de {_hm(start)} à {_hm(end)}"
    if start:
        return f" — prévue à {_hm(start)}"
    if end:
        return f" — à finir avant {_hm(end)}"
    return ""


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
