"""The read side (synoptic.reads.BoardReads): plain views, each read in its own session,
no session left open; on SQLite and MariaDB."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event

from synoptic.reads import BoardReads
from synoptic.services import BoardServices, NewTask
from synoptic.store.db import Store
from synoptic.views import PatientView

NOW = datetime(2026, 11, 21, 14, 0, 0)


class Checkouts:
    """Counts the connections taken from the store's pool and given back."""

    def __init__(self, store: Store) -> None:
        self.out = self.back = 0
        event.listen(store.engine, "checkout", self._out)
        event.listen(store.engine, "checkin", self._back)

    def _out(self, *_args: object) -> None:
        self.out += 1

    def _back(self, *_args: object) -> None:
        self.back += 1


def admit(services: BoardServices, last: str, box: str = "B1", **kwargs: object) -> int:
    result = services.admit(
        box_code=box, last_name=last, now=NOW, allow_over_capacity=True, **kwargs  # type: ignore[arg-type]
    )
    return result.patient_pk


def test_the_reads_return_the_views_and_give_their_connection_back(
    services: BoardServices, store: Store
) -> None:
    first = admit(services, "PREMIER", tasks=[NewTask("ECG"), NewTask("RX")])
    second = admit(services, "SECOND", box="ATT")
    services.move(second, "B2", now=NOW)
    reads = BoardReads(store)
    checkouts = Checkouts(store)

    board = reads.board()
    assert {p.last_name for p in board.patients} == {"PREMIER", "SECOND"}
    assert all(isinstance(p, PatientView) for p in board.patients)
    assert reads.reference() == board.reference
    assert board.reference.box("B1") is not None

    [one] = reads.patients([first, 999_999])  # a patient gone is simply absent
    assert (one.last_name, sorted(t.code for t in one.tasks)) == ("PREMIER", ["ECG", "RX"])
    assert reads.patients([]) == ()
    assert len(reads.history(second)) == 2  # admitted, moved
    assert reads.history(999_999) == ()
    assert reads.count_in_box("B1") == 1
    assert reads.count_in_box("B2") == 1
    assert reads.count_in_box("ATT") == 0

    patients, reference = reads.patients_and_reference([second], reference=True)
    assert [p.last_name for p in patients] == ["SECOND"] and reference == board.reference
    patients, reference = reads.patients_and_reference([first], reference=False)
    assert [p.pk for p in patients] == [first] and reference is None
    assert reads.patients_and_reference([], reference=False) == ((), None)

    assert checkouts.out > 0 and checkouts.back == checkouts.out  # no session left open


def test_history_is_in_the_order_of_the_actions(services: BoardServices, store: Store) -> None:
    pk = admit(services, "HISTOIRE", box="ATT")
    services.move(pk, "B3", now=NOW)
    actions = [h.action for h in BoardReads(store).history(pk)]
    assert len(actions) == 2 and actions[0] != actions[1]


def test_the_change_feed_follows_the_writes(services: BoardServices, store: Store) -> None:
    reads = BoardReads(store)
    feed = reads.change_feed()
    start = feed.changes_since(-1).revision  # the first answer reloads everything
    pk = admit(services, "SUIVI")
    result = feed.changes_since(start)
    assert pk in result.patient_pks and result.revision > start


def test_host_record_text_without_and_with_a_host_database(store: Store) -> None:
    reads = BoardReads(store)
    assert not reads.has_host_records
    assert reads.host_record_text(7) == (
        "Texte du dossier n° 7 (connexion MedinTux non configurée)"
    )

    class Host:
        def text(self, blob_key: int) -> str:
            return f"compte rendu {blob_key}"

    with_host = BoardReads(store, Host())
    assert with_host.has_host_records and with_host.host_record_text(7) == "compte rendu 7"
