"""The administration windows: reference editors, persons and PINs, permissions, settings
(synoptux.ini), style sheet (synoptux.css), and the menu that opens them.

One entry point for the board: :func:`ui.admin.menu.open_admin`. The windows reach the
database only through :class:`synoptic.administration.AdminTools` (no session, no store);
they ask their questions through :class:`ui.admin.dialogs.AdminDialogs` (tests replace it).

Modules: ``look`` (shared touch widgets and the admin rules of the style sheet),
``dialogs`` (questions: colour, choice, new PIN, new password, access), ``colour_picker``,
``fields`` and ``record_form`` (one field / one record), ``reference_editor`` (list + form
of one kind), ``reference_window`` (every kind), ``persons``, ``permissions_editor``,
``keypad`` (PIN pad and the unlock dialog), ``text_keys`` (the on-screen keyboard for a
multi-line text), ``settings_form``, ``sheet_check``, ``css_preview``, ``css_editor``,
``window`` (the frame of every page) and ``menu``.
"""
