"""Synoptux 2.16's ``synoptux.css`` -> this board's Qt style sheet (pure text, no Qt).

2.16's file holds blocks named after its widgets (``Titre_Box { ... }``) that its C++ code
pasted into each widget's style.  Here the same properties go to Qt selectors on object
names (``QPushButton#BoxTitle { ... }``).  The board accepts an old file as is (it is
converted in memory when loaded, see :func:`looks_legacy`), and ``synoptux convert-css OLD
NEW`` writes the converted file once, to edit it from there.

What the conversion leaves out, and says so in comments:

* ``font-size``: text sizes come from ``Taille_Police`` x ``Echelle`` (2.16's 7 to 12 px
  cannot be read from a few metres); ``--keep-font-sizes`` keeps them;
* ``width``/``height``/``min-*``/``max-*`` on buttons and dialogs: they would shrink touch
  targets below 48 px (scroll bar widths are kept);
* ``:hover`` rules: a touch screen has no hover (a touched button would stay "hovered").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# 2.16 block name -> the selectors of this board (README.md lists them all).
LEGACY_SELECTORS: dict[str, tuple[str, ...]] = {
    "Box": ("QFrame#BoxPanel",),
    "Box_ScrollBar": ("QScrollArea#BoxScroll QScrollBar",),
    "Titre_Box": ("QPushButton#BoxTitle",),
    "Bouton_Plier_Deplier": ("QPushButton#FoldButton",),
    "Bouton_Annule_Tache": ("QPushButton#DeleteTaskButton",),
    "Boutton_Appel_DrTux": ("QPushButton#AnnexButton",),
    "Bouton_Appel_DrTux": ("QPushButton#AnnexButton",),
    "Bouton_Nom_Patient": ("QPushButton#NameButton",),
    "Bouton_Commentaire_Patient": ("QPushButton#CommentButton",),
    "Bouton_Heure_Entree": ("QLabel#EntryTime",),
    "Bouton_Heure_Sortie": ("QLabel#MoveTime", "QPushButton#ExitTime"),
    "Bouton_Deplacer_Patient": ("QPushButton#MoveButton",),
    "Bouton_Nom_Responsable": ("QPushButton#ResponsableButton",),
    "Bouton_Nom_Tache": ("QPushButton#TaskButton",),
    "Bouton_Etat_Tache": ("QPushButton#StateButton",),
    "Bouton_Etat_Tache_EnCours": ('QPushButton#StateButton[current="true"]',),
    "Menu_Etat_Tache": ("QPushButton#StateMenuButton",),
    "Menu_Etat_Tache_EnCours": ('QPushButton#StateMenuButton[current="true"]',),
    "Menu_Etats": ("QMenu#StateMenu",),
    "Menu_Responsables": ("QMenu#FilterMenu", "QDialog#ResponsableDialog"),
    "PopUp_Detail_Patient": ("QDialog#HistoryDialog",),
    "PopUp_Detail_Patient_ScrollBar": ("QDialog#HistoryDialog QScrollBar",),
    "PopUp_Note_Tache": ("QDialog#InfoDialog",),
    "PopUp_Note_Tache_ScrollBar": ("QDialog#InfoDialog QScrollBar",),
    "Fenetre_Destination": ("QDialog#DestinationDialog",),
}

_SIZE_PROPERTIES = re.compile(r"(min-|max-)?(width|height)$")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass
class Block:
    selector: str
    declarations: list[tuple[str, str]]
    children: list[Block]


def _split(text: str) -> Iterator[tuple[str, str | None]]:
    """Top-level items of ``text``: ("decls", None) runs and (selector, body) blocks."""
    i, n = 0, len(text)
    start = 0
    while i < n:
        if text[i] == "{":
            # The selector is what follows the last ';' or '}' before the brace.
            head = text[start:i]
            cut = max(head.rfind(";"), head.rfind("}"))
            if cut >= 0:
                yield head[: cut + 1], None
                head = head[cut + 1 :]
            depth, j = 1, i + 1
            while j < n and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            yield head.strip(), text[i + 1 : j - 1 if depth == 0 else j]
            i = start = j
            continue
        i += 1
    if text[start:].strip():
        yield text[start:], None


def parse(text: str) -> list[Block]:
    """Blocks of a (possibly badly nested) 2.16 style file; never raises."""
    return _parse(_COMMENT.sub("", text))


def _parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    loose: list[tuple[str, str]] = []
    for selector, body in _split(text):
        if body is None:
            loose += _declarations(selector)
            continue
        inner = _parse(body)
        own = [b for b in inner if b.selector == "__loose__"]
        kids = [b for b in inner if b.selector != "__loose__"]
        decls = [d for b in own for d in b.declarations]
        if not selector:  # "{{ ... }}": an anonymous group, its content belongs to the parent
            blocks += kids
            loose += decls
            continue
        blocks.append(Block(selector, decls, kids))
    if loose:
        blocks.insert(0, Block("__loose__", loose, []))
    return blocks


def _declarations(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split(";"):
        if ":" not in part:
            continue
        name, value = part.split(":", 1)
        name, value = name.strip().lower(), " ".join(value.split())
        if name and value and re.fullmatch(r"[a-z-]+", name):
            out.append((name, value))
    return out


def looks_legacy(text: str) -> bool:
    """True when the file uses 2.16's block names (``Titre_Box { ... }``)."""
    return any(b.selector in LEGACY_SELECTORS for b in parse(text))


def _qualify(parents: tuple[str, ...], selector: str) -> list[str]:
    parts = [p.strip() for p in selector.split(",") if p.strip()]
    if not parents:
        return parts
    return [f"{parent} {part}" for parent in parents for part in parts]


def convert(text: str, *, keep_font_sizes: bool = False, source: str = "") -> str:
    """The 2.16 file as a style sheet for this board, with comments on what was changed."""
    out = [
        "/* Converti depuis le synoptux.css de Synoptux 2.16"
        + (f" ({source})" if source else "")
        + " par « synoptux convert-css ».",
        "   Noms des objets : README.md. */",
        "",
    ]
    for block in parse(text):
        if block.selector == "__loose__":
            continue
        _emit(block, (), out, keep_font_sizes)
    return "\n".join(out).rstrip() + "\n"


def _emit(block: Block, parents: tuple[str, ...], out: list[str], keep_fonts: bool) -> None:
    name = block.selector
    if not parents and name in LEGACY_SELECTORS:
        selectors = list(LEGACY_SELECTORS[name])
        origin = name
    elif not parents:
        out.append(f"/* bloc « {name} » inconnu de Synoptux 2.16 : repris tel quel */")
        selectors = _qualify((), name)
        origin = name
    else:
        selectors = _qualify(parents, name)
        origin = name
    if ":hover" in name:
        out.append(f"/* « {origin} » ignoré : pas de survol sur un écran tactile */")
        return
    kept, dropped = [], []
    is_scrollbar = any("QScrollBar" in s for s in selectors)
    for prop, value in block.declarations:
        if (
            prop == "font-size"
            and not keep_fonts
            or _SIZE_PROPERTIES.match(prop)
            and not is_scrollbar
        ):
            dropped.append(f"{prop}: {value}")
        else:
            kept.append(f"    {prop}: {value};")
    if parents == () and origin in LEGACY_SELECTORS:
        out.append(f"/* {origin} */")
    if dropped:
        out.append(
            "/* non repris (tailles fixées par Taille_Police, Echelle et les zones "
            f"tactiles de 48 px) : {'; '.join(dropped)} */"
        )
    if kept:
        out.append(",\n".join(selectors) + " {")
        out.extend(kept)
        out.append("}")
    out.append("")
    for child in block.children:
        _emit(child, tuple(selectors), out, keep_fonts)
