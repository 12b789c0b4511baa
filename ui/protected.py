"""The protected board actions: who signs a definitive exit, a deleted task, a new
responsable, an export of the statistics.

:func:`require_permission` is the one check, for the board and for the statistics
window: it returns the actor the history must name, or ``None`` when the action must
not happen (nobody identified, a public screen, the database out of reach).

- The department configured its roles (an active person has a PIN): the PIN pad asks
  for a personal PIN of a person whose role may do that action (the permission table
  of the administration; ``ui.admin.unlock.UnlockDialog`` with that action only and
  without the administrator password).  Five wrong PINs lock the pad for a minute;
  every try is in the history.  The actor is that person's code.
- Nobody has a PIN (a fresh install, a department that never set up roles): the
  action stays one touch away, in the screen's name, as before.  A department must
  not be locked out of its own board by a feature it never configured; it turns the
  protection on by giving its staff PINs (README, "Profils, rôles et codes PIN").
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from synoptic.administration import AdminTools
from synoptic.db_errors import DatabaseFailure
from synoptic.permissions import action_label
from synoptic.reference_rules import Kind
from ui.admin.dialogs import running
from ui.admin.look import add_admin_rules
from ui.admin.menu import admin_tools
from ui.admin.unlock import UnlockDialog
from ui.context import UiContext
from ui.live import database_error_message
from ui.profile import ScreenProfile

__all__ = ["pin_title", "require_permission", "roles_configured"]


def roles_configured(admin: AdminTools) -> bool:
    """True when some active person has a PIN: the protected actions then ask for one."""
    pins = admin.pins_set()
    if not pins:
        return False
    people = admin.reference.records(Kind.USER)
    return any(record["active"] and code in pins for code, record in people.items())


def pin_title(action: str) -> str:
    return f"Code PIN pour {action_label(action)}"


def require_permission(ctx: UiContext, parent: QWidget | None, action: str) -> str | None:
    """Who does ``action`` (a code of ``synoptic.permissions.ACTIONS``) on this screen:
    the actor to write in the history (``services.as_user(actor)``), or ``None``: do
    nothing (the question was cancelled, or refused with a message already shown)."""
    if ScreenProfile.of(ctx.config).read_only:
        return None
    tools = admin_tools(ctx)
    try:
        if not roles_configured(tools):
            return ctx.services.actor
        dialog = UnlockDialog(ctx.metrics, tools, ctx.clock, parent, actions=(action,),
                              title=pin_title(action), allow_password=False)
        add_admin_rules(dialog, ctx.metrics)
        with running(dialog):
            access = dialog.result_value()
    except DatabaseFailure as err:
        ctx.dialogs.show_error(parent, database_error_message(err))
        return None
    return access.actor if access is not None else None
