"""Tests of the entry-file parser (synoptic.ingest.parser)."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FIXTURES, original_216
from hypothesis import assume, given
from hypothesis import strategies as st

from synoptic.ingest.parser import (
    MAX_ENTRY_FILE_BYTES,
    EntryFile,
    EntryFileError,
    EntryTask,
    decode_entry_bytes,
    parse_entry_file,
    parse_time,
)

ARRIVED = datetime(2024, 5, 14, 9, 30)
DAY = ARRIVED.replace(hour=0, minute=0)


def at(hour: int, minute: int, second: int = 0, day: datetime = DAY) -> datetime:
    return day.replace(hour=hour, minute=minute, second=second)


def parse(text: str, encoding: str = "utf-8", arrived_at: datetime = ARRIVED) -> EntryFile:
    return parse_entry_file(text.encode(encoding), arrived_at)


def reject(text: str | bytes) -> EntryFileError:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(EntryFileError) as caught:
        parse_entry_file(data, ARRIVED)
    assert str(caught.value) == caught.value.message
    return caught.value


def single_task(body: str) -> EntryTask:
    (task,) = parse(f"[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A1\n{body}\n").tasks
    return task


# --- files shaped like 2.16's (tests/fixtures), the real ones, the manual's example ----------


def test_entry_file_utf8_bom_crlf() -> None:
    data = (FIXTURES / "entree_utf8_bom_crlf.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf[Entree]\r\n") and data.endswith(b"=\r\n")
    assert b"Prenom_Patient" not in data
    entry = parse_entry_file(data, ARRIVED)
    assert entry == EntryFile(
        box_code="B2",
        last_name="Fictif",
        first_name="",
        guid="guid fictif sans tirets",
        responsable="MARTIN",
        comment="Chute à vélo",
        annex_program="",
        annex_args=(),
        tasks=(
            EntryTask(
                1, 7, "RX", 1, "Poignet gauche, déformé", at(9, 45), at(10, 30), None, "", ""
            ),
            EntryTask(2, 13, "ECG", 2, "", None, None, None, "", ""),
        ),
        encoding="utf-8",
    )


def test_entry_file_latin1_crlf_plus_arguments_no_final_newline() -> None:
    data = (FIXTURES / "entree_latin1_sans_fin_de_ligne.txt").read_bytes()
    assert data.endswith(b"PrimKey_Blob=48214") and b"\r\n" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    lines = data.decode("latin-1").split("\r\n")
    entry = parse_entry_file(data, ARRIVED)
    assert entry.encoding == "cp1252"
    assert (entry.box_code, entry.last_name, entry.first_name) == ("B3", "LÉGER", "Hélène")
    assert (entry.guid, entry.responsable) == ("latin1 4f2a-77b0-e1c3", "BERNARD")
    assert f"Commentaire={entry.comment}" == lines[6]
    assert entry.comment == "brûlure à l'avant-bras, fièvre"
    assert entry.annex_program == "C:/MedinTux/Programmes/drtux/bin/drtux.exe"
    assert entry.annex_args == (
        "Infirmière",
        "Infirmière",
        "4f2a-77b0-e1c3",
        "812",
        "LÉGER",
        "Hélène",
        "C:/MedinTux/Programmes/Manager/bin/Manager.ini",
    )
    assert entry.tasks == (
        EntryTask(1, 10, "BIO", 1, "Bilan complet, à jeun", at(8, 5), at(9, 35), 48213, "", ""),
        EntryTask(
            2,
            17,
            "ECHO",
            2,
            "",
            None,
            None,
            None,
            "C:/Program Files/Lecteur PDF/lecteur.exe",
            "D:/tmp/notes/compte rendu écho.pdf",
        ),
        EntryTask(3, 25, "PERF", 1, "Sérum salé", None, at(11, 20), 48214, "", ""),
    )


def test_real_entree_1_utf8_bom_crlf() -> None:
    data = original_216("entree_1.txt").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    entry = parse_entry_file(data, ARRIVED)
    assert entry == EntryFile(
        box_code="B1",
        last_name="Tartempion",
        first_name="",
        guid="pas de guid pour lui",
        responsable="ro",
        comment="Est tout casse",
        annex_program="",
        annex_args=(),
        tasks=(
            EntryTask(1, 7, "A3", 1, "Rien à dire", at(10, 20), at(11, 20), None, "", ""),
            EntryTask(2, 13, "A1", 2, "", None, None, None, "", ""),
        ),
        encoding="utf-8",
    )


def test_real_entree_type_latin1_no_final_newline() -> None:
    data = original_216("entree_type.txt").read_bytes()
    assert not data.endswith(b"\n")
    latin1 = data.decode("latin-1").split("\r\n")
    entry = parse_entry_file(data, ARRIVED)
    assert entry.encoding == "cp1252"
    assert (entry.box_code, entry.last_name, entry.first_name) == ("B1", "ABID", "LISA")
    assert (entry.guid, entry.responsable) == ("ansi 90c-328a-c-990h-d2246e29c3", "ro")
    assert f"Commentaire={entry.comment}" == latin1[6]
    assert entry.comment == "très endômmagé !"
    assert entry.annex_program == "D:/MedinTux/Programmes/drtux/bin/drtux.exe"
    assert entry.annex_args == (
        "Lucette",
        "Lucette",
        "7543d90c-325a-4a9c-9901-d2246e2bb9c3",
        "6521",
        "ABID",
        "LISA",
        "D:/MedinTux/Programmes/Manager/bin/Manager.ini",
        "D:/MedinTux/Programmes/Manager/bin/DataBase.cfg",
    )
    first, second, third = entry.tasks
    assert first == EntryTask(
        1, 10, "A3", 1, "Tête et pieds", at(10, 20), at(11, 20), 160651, "", ""
    )
    assert f"Commentaire={first.comment}" in latin1
    assert second == EntryTask(
        2,
        17,
        "A1",
        2,
        "",
        None,
        None,
        None,
        "C:/Program Files/Adobe/Reader 9.0/Reader/AcroRd32.exe",
        "D:/tmp/PDF_tmp/CR ECHO DOPP PULSE.pdf",
    )
    assert (third.number, third.code, third.blob_key, third.planned_end) == (
        3,
        "A4",
        160651,
        at(11, 20),
    )


MANUAL_EXAMPLE = (
    b"[Entree]\r\n"
    b"Code_Box=B1\r\n"
    b"Nom_Patient=SILOUVA\r\n"
    b"Prenom_Patient=Philippe\r\n"
    b"GUID_Patient=90-325a-c-99h-dd2d246e29c3\r\n"
    b"Code_Responsable=ro\r\n"
    b"Commentaire=Coup de couteau !\r\n"
    b"Programme_Annexe=../../Programmes/drtux/bin/drtux.exe\r\n"
    b"Arguments_Annexe=Lucette+Lucette+7543d90c-325a-4a9c-9901-d2246e2bb9c3+6521+ABID+LISA"
    b"+D:/MedinTux/Programmes/Manager/bin/Manager.ini"
    b"+D:/MedinTux/Programmes/Manager/bin/DataBase.cfg\r\n"
    b"\r\n"
    b"[Tache_1]\r\n"
    b"Code_Tache=PAN\r\n"
    b"Priorite=1\r\n"
    b"Commentaire=Voir m\xc3\xa9decin avant\r\n"
    b"Heure_Debut_Prevue=10h20\r\n"
    b"Heure_Fin_Prevue=10h50\r\n"
    b"PrimKey_Blob=160651\r\n"
    b"Nom_Lecteur_Note=C:/Program Files/Adobe/Reader 9.0/Reader/AcroRd32.exe\r\n"
    b"Nom_Fichier_Note=D:/tmp/PDF_tmp/CR ECHO DOPP PULSE.pdf\r\n"
)


def test_manual_example() -> None:
    entry = parse_entry_file(MANUAL_EXAMPLE, ARRIVED)
    assert (entry.box_code, entry.last_name, entry.first_name) == ("B1", "SILOUVA", "Philippe")
    assert (entry.guid, entry.responsable) == ("90-325a-c-99h-dd2d246e29c3", "ro")
    assert entry.comment == "Coup de couteau !"
    assert entry.annex_program == "../../Programmes/drtux/bin/drtux.exe"
    assert len(entry.annex_args) == 8 and entry.annex_args[4:6] == ("ABID", "LISA")
    assert entry.tasks == (
        EntryTask(
            1,
            11,
            "PAN",
            1,
            "Voir médecin avant",
            at(10, 20),
            at(10, 50),
            160651,
            "C:/Program Files/Adobe/Reader 9.0/Reader/AcroRd32.exe",
            "D:/tmp/PDF_tmp/CR ECHO DOPP PULSE.pdf",
        ),
    )


# --- decoding and line ends -------------------------------------------------------------------


def test_decode_utf8_with_and_without_bom() -> None:
    assert decode_entry_bytes("é".encode()) == ("é", "utf-8")
    assert decode_entry_bytes(b"\xef\xbb\xbf\xc3\xa9") == ("é", "utf-8")
    assert decode_entry_bytes(b"") == ("", "utf-8")


def test_decode_latin1_and_cp1252_with_and_without_bom() -> None:
    assert decode_entry_bytes(b"tr\xe8s end\xf4mmag\xe9") == ("très endômmagé", "cp1252")
    assert decode_entry_bytes(b"\xef\xbb\xbfT\xeate") == ("Tête", "cp1252")
    assert decode_entry_bytes(b"\x80 \x9cuf \x92") == ("€ œuf ’", "cp1252")
    assert decode_entry_bytes(b"\x81\x8d\x8f\x90\x9d") == ("\x81\x8d\x8f\x90\x9d", "cp1252")


def test_decode_never_fails() -> None:
    text, encoding = decode_entry_bytes(bytes(range(256)))
    assert encoding == "cp1252" and len(text) == 256


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "cp1252"])
def test_bom_and_encoding_variants(bom: bytes, encoding: str) -> None:
    text = "[Entree]\r\nNom_Patient=Lefèvre\r\nCommentaire=Œdème\r\n"
    if encoding == "latin-1":
        text = text.replace("Œ", "O")
    entry = parse_entry_file(bom + text.encode(encoding), ARRIVED)
    assert entry.last_name == "Lefèvre"
    assert entry.comment == ("Odème" if encoding == "latin-1" else "Œdème")
    assert entry.encoding == ("utf-8" if encoding == "utf-8" else "cp1252")


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("final", [True, False])
def test_line_end_variants(newline: str, final: bool) -> None:
    lines = ["[Entree]", "Nom_Patient=X", "[Tache_1]", "Code_Tache=A1", "Priorite=3"]
    text = newline.join(lines) + (newline if final else "")
    (task,) = parse(text).tasks
    assert (task.line, task.code, task.priority) == (3, "A1", 3)


def test_mixed_line_ends_count_lines() -> None:
    error = reject("[Entree]\r\nNom_Patient=X\r; x\n[Tache_1]\r\nCode_Tache=A1\nbad line")
    assert error.line == 6


def test_double_bom_is_tolerated() -> None:
    assert parse("\ufeff[Entree]\nNom_Patient=X", "utf-8-sig").last_name == "X"


# --- INI syntax -------------------------------------------------------------------------------


def test_case_insensitive_sections_and_keys() -> None:
    entry = parse(
        "[ENTREE]\nnom_patient=X\nCODE_BOX=B2\n[tache_1]\ncode_tache=A1\nHEURE_DEBUT_PREVUE=10h20\n"
    )
    assert (entry.last_name, entry.box_code) == ("X", "B2")
    assert entry.tasks[0].planned_start == at(10, 20)


def test_whitespace_around_keys_values_and_headers() -> None:
    entry = parse("  [ Entree ]  \n  Nom_Patient   =   D'Artagnan  \n\t Prenom_Patient\t=\tJean \n")
    assert (entry.last_name, entry.first_name) == ("D'Artagnan", "Jean")


def test_values_kept_verbatim() -> None:
    entry = parse(
        "[Entree]\n"
        "Nom_Patient=L'HERMITE-D'ARC\n"
        "Commentaire=a = b ; c # d \"cité\" 'x' %(y)s $z\n"
        'GUID_Patient=";#="\n'
    )
    assert entry.last_name == "L'HERMITE-D'ARC"
    assert entry.comment == "a = b ; c # d \"cité\" 'x' %(y)s $z"
    assert entry.guid == '";#="'


def test_comments_and_blank_lines() -> None:
    entry = parse("; en-tête\n# autre\n\n[Entree]\n  ; Nom_Patient=Y\nNom_Patient=X\n\n   \n# fin")
    assert entry.last_name == "X"


def test_unknown_sections_and_keys_are_ignored() -> None:
    entry = parse(
        "Nom_Patient=Avant\n[General]\nNom_Patient=General\n[Entree]\nNom_Patient=X\n"
        "Inconnue=1\n[Autre]\nNom_Patient=Autre\n[Tache_A]\nCode_Tache=A9\n"
        "[Tache_1]\nCode_Tache=A1\nCle_Inconnue=z\n"
    )
    assert entry.last_name == "X"
    assert [task.code for task in entry.tasks] == ["A1"]


def test_duplicate_key_last_wins() -> None:
    entry = parse("[Entree]\nNom_Patient=A\nNom_Patient=B\n[Tache_1]\nCode_Tache=A1\n")
    assert entry.last_name == "B"
    assert [(t.code, t.line) for t in entry.tasks] == [("A1", 4)]


@pytest.mark.parametrize("second", ["[Entree]", "[ENTREE]", "[Entrée]"])
def test_a_second_entree_section_rejects_the_file(second: str) -> None:
    """Merged, two patients' identities would be mixed (one's name, the other's GUID)."""
    with pytest.raises(EntryFileError) as raised:
        parse(
            "[Entree]\nNom_Patient=DUPONT\nGUID_Patient=g-1\n[Tache_1]\nCode_Tache=A1\n"
            f"{second}\nNom_Patient=MARTIN\nGUID_Patient=g-2\n"
        )
    assert raised.value.line == 6
    assert "Deux sections [Entree] (lignes 1 et 6)" in raised.value.message
    assert "un seul patient" in raised.value.message


def test_keys_near_missed_by_accents_case_or_separator_are_read_with_a_warning() -> None:
    entry = parse(
        "[Entree]\nnom_patient=DUPONT\nPrénom_Patient=Zoé\n"
        "[Tache_1]\nCode_Tache=ECG\nPriorité=3\nHeure_Début_Prévue=10h00\n"
        "heure fin prévue=11h00\n"
    )
    assert (entry.last_name, entry.first_name) == ("DUPONT", "Zoé")
    [task] = entry.tasks
    assert task.priority == 3
    assert (task.planned_start, task.planned_end) == (
        ARRIVED.replace(hour=10, minute=0, second=0),
        ARRIVED.replace(hour=11, minute=0, second=0),
    )
    assert entry.warnings == (
        "Clé « Prénom_Patient » (section [Entree], ligne 3) lue comme Prenom_Patient.",
        "Clé « Priorité » (section [Tache_1], ligne 6) lue comme Priorite.",
        "Clé « Heure_Début_Prévue » (section [Tache_1], ligne 7) lue comme Heure_Debut_Prevue.",
        "Clé « heure fin prévue » (section [Tache_1], ligne 8) lue comme Heure_Fin_Prevue.",
    )


def test_a_near_miss_beside_the_exact_key_is_ignored_with_a_warning() -> None:
    entry = parse("[Entree]\nNom_Patient=A\n[Tache_1]\nCode_Tache=X\nPriorite=1\nPriorité=9\n")
    assert entry.tasks[0].priority == 1
    assert entry.warnings == (
        (
            "Clé « Priorité » (section [Tache_1], ligne 6) ignorée : Priorite figure aussi "
            "dans la section."
        ),
    )


def test_unknown_keys_sections_and_keys_before_any_section_are_named() -> None:
    entry = parse(
        "Nom_Patient=AVANT\nbruit\x1b[31m=1\n"
        "[Entree]\nNom_Patient=X\nAge=40\n[Patient]\nNom_Patient=Y\n"
    )
    assert entry.last_name == "X"
    assert entry.warnings == (
        (
            "Clé(s) avant toute section ignorée(s) : « Nom_Patient » (ligne 1), "
            "« bruit\\x1b[31m » (ligne 2) ; attendu sous [Entree] ou [Tache_N]."
        ),
        (
            "Section inconnue [Patient] (ligne 6) ignorée : attendu [Entree] ou [Tache_N] ; "
            "ses clés « Nom_Patient » (ligne 7) ne sont pas lues."
        ),
        "Clé inconnue « Age » (section [Entree], ligne 5) ignorée.",
    )


def test_repeated_task_header_is_a_second_task_not_an_overwrite() -> None:
    """[Tache_1] then [Tache_01]: both tasks are kept, in the file's order."""
    entry = parse(
        "[Entree]\nNom_Patient=A\n[Tache_2]\nCode_Tache=Z\n[Tache_1]\nCode_Tache=A1\n"
        "[Tache_01]\nCode_Tache=B2\nPriorite=4\n"
    )
    assert [(t.number, t.code, t.priority) for t in entry.tasks] == [
        (1, "A1", None), (1, "B2", 4), (2, "Z", None)]


def test_utf16_with_bom_is_decoded() -> None:
    text = "[Entree]\r\nNom_Patient=Hélène\r\n[Tache_1]\r\nCode_Tache=ECG\r\n"
    for codec in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(codec)
        entry = parse_entry_file(bom + text.encode(codec), ARRIVED)
        assert (entry.last_name, entry.encoding, entry.tasks[0].code) == (
            "Hélène", "utf-16", "ECG")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[Entree]\nNom_Patient=X\nNom_Patient\n", 3),
        ("[Entree]\nNom_Patient=X\n=valeur\n", 3),
        ("[Entree\nNom_Patient=X\n", 1),
        ("[Entree]\nNom_Patient=X\n\n[Tache_1\n", 4),
        ("[Entree]\nNom_Patient=X\n\x00\n", 3),
    ],
)
def test_unreadable_line_is_rejected(text: str, line: int) -> None:
    error = reject(text)
    assert (error.line, error.key) == (line, None)
    assert f"Ligne {line} illisible" in error.message


# --- tasks ------------------------------------------------------------------------------------


def test_tasks_all_read_in_numeric_order_with_gaps() -> None:
    entry = parse(
        "[Entree]\nNom_Patient=X\n[Tache_10]\nCode_Tache=J\n[Tache_3]\nCode_Tache=C\n"
        "[Tache_1]\nCode_Tache=A\n[Tache_0002]\nCode_Tache=B\n[Tache_25]\nCode_Tache=Y\n"
    )
    assert [(task.number, task.code) for task in entry.tasks] == [
        (1, "A"),
        (2, "B"),
        (3, "C"),
        (10, "J"),
        (25, "Y"),
    ]
    assert [task.line for task in entry.tasks] == [7, 9, 5, 3, 11]


def test_task_without_code_is_skipped() -> None:
    entry = parse(
        "[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A1\n"
        "[Tache_2]\nCode_Tache=\nPriorite=\nCommentaire=\nHeure_Debut_Prevue=\n"
        "[Tache_3]\nCommentaire=sans code\nHeure_Debut_Prevue=99h99\nPriorite=x\n"
        "[Tache_4]\nCode_Tache=A4\n"
    )
    assert [task.number for task in entry.tasks] == [1, 4]


def test_task_defaults() -> None:
    assert single_task("") == EntryTask(1, 3, "A1", None, "", None, None, None, "", "")


def test_empty_integers_are_none() -> None:
    task = single_task("Priorite=\nPrimKey_Blob=  ")
    assert (task.priority, task.blob_key) == (None, None)


def test_integers() -> None:
    task = single_task("Priorite= +7 \nPrimKey_Blob=123456789")
    assert (task.priority, task.blob_key) == (7, 123456789)


@pytest.mark.parametrize("line", ["Priorite=-1", "PrimKey_Blob=-5", "PrimKey_Blob=1234567890"])
def test_integers_the_database_would_refuse_are_rejected(line: str) -> None:
    """Negative or longer than 9 digits: MariaDB's INT columns refuse them."""
    error = reject(f"[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A\n{line}\n")
    assert error.key == line.split("=")[0] and error.line == 5
    assert "entier positif" in error.message


def test_no_tasks() -> None:
    assert parse("[Entree]\nNom_Patient=X").tasks == ()


# --- entry fields -----------------------------------------------------------------------------


def test_optional_entry_fields() -> None:
    entry = parse("[Entree]\nNom_Patient=X\nCode_Box=\nCode_Responsable=  \n")
    assert entry == EntryFile(None, "X", "", "", None, "", "", (), (), "utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a|b|c", ("a", "b", "c")),
        ("a+b+c", ("a", "b", "c")),
        ("x+y|z", ("x+y", "z")),
        (" a | b ", ("a", "b")),
        ("a||b", ("a", "", "b")),
        ("seul", ("seul",)),
        ("", ()),
        ("   ", ()),
    ],
)
def test_annex_arguments(value: str, expected: tuple[str, ...]) -> None:
    entry = parse(f"[Entree]\nNom_Patient=X\nArguments_Annexe={value}\n")
    assert entry.annex_args == expected


# --- rejections -------------------------------------------------------------------------------


def test_too_large_is_rejected() -> None:
    head = b"[Entree]\nNom_Patient=X\n"
    padding = b";" * (MAX_ENTRY_FILE_BYTES - len(head))
    assert parse_entry_file(head + padding, ARRIVED).last_name == "X"
    error = reject(head + padding + b";")
    assert (error.line, error.key) == (None, None)
    assert "volumineux" in error.message


@pytest.mark.parametrize(
    "text", ["", "\r\n", "; rien\n", "[Tache_1]\nCode_Tache=A1\n", "\xef\xbb\xbf"]
)
def test_missing_entree_is_rejected(text: str) -> None:
    error = reject(text.encode("latin-1"))
    assert (error.line, error.key) == (None, None)
    assert "[Entree]" in error.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[Entree]\nPrenom_Patient=X\n", 1),
        ("\n[Entree]\nNom_Patient=\n", 3),
        ("[Entree]\nNom_Patient=   \n", 2),
        ("[Entree]\n[Autre]\nNom_Patient=X\n", 1),
    ],
)
def test_missing_or_empty_last_name_is_rejected(text: str, line: int) -> None:
    error = reject(text)
    assert (error.line, error.key) == (line, "Nom_Patient")
    assert f"ligne {line}" in error.message


def test_unreadable_time_message() -> None:
    lines = [
        "[Entree]",
        "Code_Box=B1",
        "Nom_Patient=SILOUVA",
        "Prenom_Patient=Philippe",
        "GUID_Patient=g",
        "Code_Responsable=ro",
        "[Tache_1]",
        "Code_Tache=PAN",
        "Heure_Debut_Prevue=10h20",
        "Heure_Fin_Prevue=10h50",
        "[Tache_2]",
        "Code_Tache=A1",
        "Priorite=2",
        "Heure_Debut_Prevue=25h99",
    ]
    error = reject("\r\n".join(lines))
    assert (error.line, error.key) == (14, "Heure_Debut_Prevue")
    assert error.message == (
        "Heure illisible « 25h99 » pour la clé Heure_Debut_Prevue (section [Tache_2], ligne 14)"
        " : attendu HHhMM, HH:MM, AAAA-MM-JJ hh:mm[:ss] ou JJ/MM/AAAA hh:mm"
    )


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("Heure_Fin_Prevue=demain", "Heure_Fin_Prevue"),
        ("heure_debut_prevue=24:00", "Heure_Debut_Prevue"),
        ("Priorite=abc", "Priorite"),
        ("Priorite=1.5", "Priorite"),
        ("Priorite=1234567890", "Priorite"),
        ("Priorite=١", "Priorite"),
        ("PrimKey_Blob=16 06 51", "PrimKey_Blob"),
        ("PrimKey_Blob=0x10", "PrimKey_Blob"),
        ("PrimKey_Blob=1234567890123456789", "PrimKey_Blob"),
    ],
)
def test_bad_task_value_is_rejected(body: str, key: str) -> None:
    error = reject(f"[Entree]\nNom_Patient=X\n[Tache_7]\nCode_Tache=A1\n\n{body}\n")
    assert (error.line, error.key) == (6, key)
    assert f"pour la clé {key} (section [Tache_7], ligne 6)" in error.message


def test_error_is_a_value_error_and_pickles() -> None:
    error = EntryFileError("Message", line=3, key="Priorite")
    assert isinstance(error, ValueError) and str(error) == "Message"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.line, copy.key) == ("Message", 3, "Priorite")
    assert (EntryFileError("m").line, EntryFileError("m").key) == (None, None)


# --- times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10h20", at(10, 20)),
        ("10:20", at(10, 20)),
        ("9h05", at(9, 5)),
        ("9:05", at(9, 5)),
        ("09h05", at(9, 5)),
        ("10H20", at(10, 20)),
        ("10:20:30", at(10, 20, 30)),
        (" 23:59:59 ", at(23, 59, 59)),
        ("2024-05-13 08:00", datetime(2024, 5, 13, 8, 0)),
        ("2024-05-13 08:00:07", datetime(2024, 5, 13, 8, 0, 7)),
        ("2024-05-13T8:00", datetime(2024, 5, 13, 8, 0)),
        ("2023-12-31 23:59", datetime(2023, 12, 31, 23, 59)),
        ("13/05/2024 08:00", datetime(2024, 5, 13, 8, 0)),
        ("13/05/2024 08:00:59", datetime(2024, 5, 13, 8, 0, 59)),
        ("1/2/2025 0:00", datetime(2025, 2, 1, 0, 0)),
        ("29/02/2024 12h00", datetime(2024, 2, 29, 12, 0)),
    ],
)
def test_parse_time_formats(value: str, expected: datetime) -> None:
    assert parse_time(value, ARRIVED) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "10",
        "10h",
        "10h2",
        "1020",
        "24:00",
        "23:60",
        "10:20:60",
        "-1:00",
        "a",
        "10:20:30:40",
        "2024-02-30 10:00",
        "2024-13-01 10:00",
        "0000-01-01 10:00",
        "2024-05-13",
        "30/02/2024 10:00",
        "13/05/24 10:00",
        "13-05-2024 10:00",
        "１０:２０",
        "10 h 20",
    ],
)
def test_parse_time_rejects(value: str) -> None:
    with pytest.raises(ValueError, match="^Heure illisible « .* » : attendu HHhMM"):
        parse_time(value, ARRIVED)


@pytest.mark.parametrize(
    ("arrived", "value", "expected"),
    [
        (datetime(2024, 5, 14, 23, 58), "00h10", datetime(2024, 5, 15, 0, 10)),
        (datetime(2024, 5, 14, 23, 58), "11:57", datetime(2024, 5, 15, 11, 57)),
        (datetime(2024, 5, 14, 23, 58), "11:58", datetime(2024, 5, 14, 11, 58)),
        (datetime(2024, 5, 14, 23, 58), "23:00", datetime(2024, 5, 14, 23, 0)),
        (datetime(2024, 5, 15, 0, 5), "23:50", datetime(2024, 5, 15, 23, 50)),
        (datetime(2024, 5, 15, 0, 5), "00:00", datetime(2024, 5, 15, 0, 0)),
        (datetime(2024, 12, 31, 22, 0), "1h00", datetime(2025, 1, 1, 1, 0)),
        (datetime(2024, 5, 14, 23, 58), "2024-05-14 00:10", datetime(2024, 5, 14, 0, 10)),
        (datetime(9999, 12, 31, 23, 0), "01:00", datetime(9999, 12, 31, 1, 0)),
    ],
)
def test_midnight_rollover(arrived: datetime, value: str, expected: datetime) -> None:
    assert parse_time(value, arrived) == expected


def test_rollover_in_a_file() -> None:
    task = single_task("Heure_Debut_Prevue=23h59\nHeure_Fin_Prevue=00h10")
    late = parse_entry_file(
        b"[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A1\nHeure_Fin_Prevue=00h10\n",
        datetime(2024, 5, 14, 23, 58),
    ).tasks[0]
    assert (task.planned_start, task.planned_end) == (at(23, 59), at(0, 10))
    assert late.planned_end == datetime(2024, 5, 15, 0, 10)


def test_parse_time_keeps_tzinfo() -> None:
    arrived = datetime(2024, 5, 14, 9, 30, tzinfo=UTC)
    assert parse_time("10h20", arrived).tzinfo is UTC
    assert parse_time("2024-05-14 10:20", arrived).tzinfo is UTC


@given(
    arrived=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    colon=st.booleans(),
)
def test_bare_time_lies_within_window(
    arrived: datetime, hour: int, minute: int, colon: bool
) -> None:
    result = parse_time(f"{hour}{':' if colon else 'h'}{minute:02d}", arrived)
    assert (result.hour, result.minute, result.second) == (hour, minute, 0)
    assert arrived - timedelta(hours=12) <= result < arrived + timedelta(hours=24)
    assert result.date() in (arrived.date(), arrived.date() + timedelta(days=1))


# --- fuzzing ----------------------------------------------------------------------------------


def check_only_entry_file_error(data: bytes) -> None:
    try:
        entry = parse_entry_file(data, ARRIVED)
    except EntryFileError as error:
        assert str(error) == error.message and error.message
        assert error.line is None or error.line >= 1
    else:
        assert entry.last_name and entry.encoding in ("utf-8", "cp1252")
        numbers = [task.number for task in entry.tasks]
        assert numbers == sorted(set(numbers)) and all(task.code for task in entry.tasks)


@given(st.binary(max_size=2000))
def test_fuzz_arbitrary_bytes(data: bytes) -> None:
    check_only_entry_file_error(data)
    check_only_entry_file_error(b"[Entree]\nNom_Patient=X\n" + data)


KEYS = [
    "Code_Box",
    "Nom_Patient",
    "Prenom_Patient",
    "GUID_Patient",
    "Code_Responsable",
    "Commentaire",
    "Programme_Annexe",
    "Arguments_Annexe",
    "Code_Tache",
    "Priorite",
    "Heure_Debut_Prevue",
    "Heure_Fin_Prevue",
    "PrimKey_Blob",
    "Nom_Lecteur_Note",
    "Nom_Fichier_Note",
    "Autre",
]
NUMBERS = st.from_regex(r"[ +-]?[0-9]{0,20}[.,h:/ -]?[0-9]{0,4}", fullmatch=True)
FUZZ_LINES = st.one_of(
    st.tuples(st.sampled_from(KEYS), st.one_of(st.text(max_size=30), NUMBERS)).map(
        lambda kv: f"{kv[0]}={kv[1]}"
    ),
    st.sampled_from(["[Entree]", "[entree]", "[Autre]", "[Tache_x]", "; c", "# c", "", "[", "]"]),
    st.integers(-2, 30).map(lambda n: f"[Tache_{n}]"),
    st.text(max_size=20),
)


@given(
    lines=st.lists(FUZZ_LINES, max_size=40),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_fuzz_structured_files(lines: list[str], newline: str, encoding: str) -> None:
    check_only_entry_file_error(newline.join(lines).encode(encoding, errors="replace"))


VALUE = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=25).map(str.strip)
NAME = VALUE.filter(bool)
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0)
)
TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %Hh%M"]


@st.composite
def generated_tasks(draw: st.DrawFn, number: int) -> tuple[EntryTask, list[str]]:
    start, end = draw(st.none() | TIMES), draw(st.none() | TIMES)
    start_format, end_format = (
        draw(st.sampled_from(TIME_FORMATS)),
        draw(st.sampled_from(TIME_FORMATS)),
    )
    if start is not None and "%S" not in start_format:
        start = start.replace(second=0)
    if end is not None and "%S" not in end_format:
        end = end.replace(second=0)
    task = EntryTask(
        number=number,
        line=0,
        code=draw(NAME),
        priority=draw(st.none() | st.integers(0, 999_999_999)),
        comment=draw(VALUE),
        planned_start=start,
        planned_end=end,
        blob_key=draw(st.none() | st.integers(0, 10**9 - 1)),
        note_reader=draw(VALUE),
        note_file=draw(VALUE),
    )
    lines = [
        f"Code_Tache={task.code}",
        f"Priorite={'' if task.priority is None else task.priority}",
        f"Commentaire={task.comment}",
        f"Heure_Debut_Prevue={'' if start is None else start.strftime(start_format)}",
        f"Heure_Fin_Prevue={'' if end is None else end.strftime(end_format)}",
        f"PrimKey_Blob={'' if task.blob_key is None else task.blob_key}",
        f"Nom_Lecteur_Note={task.note_reader}",
        f"Nom_Fichier_Note={task.note_file}",
    ]
    return task, draw(st.permutations(lines))


@given(data=st.data())
def test_generated_files_round_trip(data: st.DataObject) -> None:
    draw = data.draw
    args = draw(st.lists(VALUE.filter(lambda part: "|" not in part), min_size=2, max_size=5))
    entry = EntryFile(
        box_code=draw(NAME | st.none()),
        last_name=draw(NAME),
        first_name=draw(VALUE),
        guid=draw(VALUE),
        responsable=draw(NAME | st.none()),
        comment=draw(VALUE),
        annex_program=draw(VALUE),
        annex_args=tuple(args),
        tasks=(),
        encoding="",
    )
    numbers = draw(st.lists(st.integers(1, 10**6), unique=True, max_size=5))
    tasks = [draw(generated_tasks(number)) for number in numbers]
    key_case = draw(st.sampled_from([str, str.lower, str.upper]))
    fields = {
        "Code_Box": entry.box_code or "",
        "Nom_Patient": entry.last_name,
        "Prenom_Patient": entry.first_name,
        "GUID_Patient": entry.guid,
        "Code_Responsable": entry.responsable or "",
        "Commentaire": entry.comment,
        "Programme_Annexe": entry.annex_program,
        "Arguments_Annexe": "|".join(args),
    }
    entry_lines = draw(st.permutations([f"{key_case(k)}={v}" for k, v in fields.items()]))
    lines = ["[Entree]", *entry_lines]
    expected_tasks: list[tuple[EntryTask, int]] = []
    for task, task_lines in tasks:
        expected_tasks.append((task, len(lines) + 1))
        lines += [f"[Tache_{task.number}]", *task_lines]
    text = draw(st.sampled_from(["\r\n", "\n", "\r"])).join(lines)
    try:
        raw = text.encode(draw(st.sampled_from(["cp1252", "utf-8-sig"])))
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    decoded, detected = decode_entry_bytes(raw)
    assume(decoded == text)
    parsed = parse_entry_file(raw, ARRIVED)
    assert parsed.encoding == detected
    expected_tasks.sort(key=lambda pair: pair[0].number)
    assert parsed.tasks == tuple(replace(task, line=line) for task, line in expected_tasks)
    assert parsed == replace(entry, tasks=parsed.tasks, encoding=detected)


# --- nothing dropped silently (issue 7, item 6) -----------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["[Tache 1]", "[Tâche_1]", "[TÂCHE-1]", "[Tache1]", "[ tache _ 1 ]", "[Tache.01]"],
)
def test_a_near_miss_task_header_is_read_as_the_task_with_a_warning(header: str) -> None:
    entry = parse(f"[Entree]\nNom_Patient=X\n{header}\nCode_Tache=BIO\nPriorite=2\n")
    assert [(t.number, t.code, t.priority) for t in entry.tasks] == [(1, "BIO", 2)]
    assert entry.warnings == (f"En-tête {header} (ligne 3) lu comme [Tache_1].",)


@pytest.mark.parametrize("header", ["[Tache_1a]", "[Tache_A]", "[Taches]", "[Tâche_]"])
def test_a_task_header_without_a_number_is_ignored_and_named(header: str) -> None:
    entry = parse(f"[Entree]\nNom_Patient=X\n[Tache_2]\nCode_Tache=RX\n{header}\nCode_Tache=BIO\n")
    assert [t.code for t in entry.tasks] == ["RX"]
    assert entry.warnings == (
        (
            f"Section {header} (ligne 5) ignorée : numéro de tâche illisible, attendu [Tache_N] "
            "(N un nombre) ; sa tâche « BIO » n'est pas intégrée."
        ),
    )


def test_exact_headers_give_no_warning() -> None:
    entry = parse("[ENTREE]\nNom_Patient=X\n[tache_01]\nCode_Tache=A\n")
    assert [t.code for t in entry.tasks] == ["A"] and entry.warnings == ()


def test_an_accented_entree_header_is_the_entree_section() -> None:
    entry = parse("[Entrée]\nNom_Patient=ACCENT\n")
    assert entry.last_name == "ACCENT"
    assert entry.warnings == ("En-tête [Entrée] (ligne 1) lu comme [Entree].",)


@pytest.mark.parametrize(
    ("value", "warned"),
    [("1999-12-31 23:59", True), ("01/01/1970 00:00", True), ("1000-01-01 01:01", False)],
)
def test_a_planned_time_before_2000_is_left_empty_with_a_warning(value: str, warned: bool) -> None:
    """2.16 reads any date before 2000 as "not set": storing it would lose it silently.
    1000-01-01 is 2.16's own "none" and needs no warning."""
    entry = parse(f"[Entree]\nNom_Patient=X\n[Tache_3]\nCode_Tache=A\nHeure_Fin_Prevue={value}\n")
    assert entry.tasks[0].planned_end is None
    expected = (
        (
            f"Date « {value} » antérieure à 2000 pour la clé Heure_Fin_Prevue "
            "(section [Tache_3], ligne 5) : heure prévue laissée vide."
        ),
    )
    assert entry.warnings == (expected if warned else ())


@pytest.mark.parametrize("value", ["2024-02-30 10:00", "30/02/2024 10:00", "2024-05-14 25:00"])
def test_an_impossible_date_rejects_the_file_naming_the_key(value: str) -> None:
    """Any guess at the moment meant would put a wrong time on the board."""
    error = reject(
        f"[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A\nHeure_Debut_Prevue={value}\n"
    )
    assert (error.line, error.key) == (5, "Heure_Debut_Prevue")
    assert error.message == (
        f"Date impossible « {value} » pour la clé Heure_Debut_Prevue (section [Tache_1], "
        "ligne 5) : ce jour ou cette heure n'existe pas"
    )


def test_messages_quote_values_short_and_escaped() -> None:
    error = reject(
        f"[Entree]\nNom_Patient=X\n[Tache_1]\nCode_Tache=A\nPriorite=\x1b[2J{'9' * 99}\n"
    )
    assert "« \\x1b[2J" + "9" * 56 + "… »" in error.message
    assert "\x1b" not in error.message
    entry = parse("[Entree]\nNom_Patient=X\n[Tache\x07\u202e1]\nCode_Tache=A\n")
    assert entry.warnings == (
        (
            "Section [Tache\\x07\\u202e1] (ligne 3) ignorée : numéro de tâche illisible, attendu "
            "[Tache_N] (N un nombre) ; sa tâche « A » n'est pas intégrée."
        ),
    )
