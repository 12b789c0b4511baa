"""Errors the core raises for refused actions; each carries a French message for the user."""

from __future__ import annotations


class SynoptuxError(Exception):
    """An action was refused; ``str(err)`` is a French sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(SynoptuxError):
    pass


class UnknownBoxError(NotFoundError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Box inconnu : « {code} ».")
        self.code = code


class UnknownTaskCodeError(NotFoundError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Code de tâche inconnu : « {code} ».")
        self.code = code


class UnknownStateError(NotFoundError):
    def __init__(self, code: str) -> None:
        super().__init__(f"État inconnu : « {code} ».")
        self.code = code


class UnknownResponsableError(NotFoundError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Responsable inconnu : « {code} ».")
        self.code = code


class UnknownDestinationError(NotFoundError):
    def __init__(self, label: str) -> None:
        super().__init__(f"Destination inconnue : « {label} ».")
        self.label = label


class PatientNotFoundError(NotFoundError):
    def __init__(self, patient_pk: int) -> None:
        super().__init__(
            f"Le patient n° {patient_pk} n'est plus sur le tableau (sorti ou supprimé)."
        )
        self.patient_pk = patient_pk


class TaskNotFoundError(NotFoundError):
    def __init__(self, patient_pk: int, task_num: int) -> None:
        super().__init__(f"La tâche n° {task_num} n'existe plus pour ce patient.")
        self.patient_pk = patient_pk
        self.task_num = task_num


class BoxFullError(SynoptuxError):
    def __init__(self, label: str, capacity: int) -> None:
        super().__init__(f"Le box « {label} » est plein ({capacity} place(s)).")
        self.label = label
        self.capacity = capacity


class DestinationRequiredError(SynoptuxError):
    def __init__(self, box_label: str, kind: str) -> None:
        super().__init__(
            f"Une destination de type « {kind} » est obligatoire pour aller dans « {box_label} »."
        )
        self.kind = kind


class WrongDestinationTypeError(SynoptuxError):
    def __init__(self, label: str, expected: str, actual: str) -> None:
        super().__init__(
            f"La destination « {label} » est de type « {actual} », "
            f"il faut une destination de type « {expected} »."
        )


class StateNotAllowedError(SynoptuxError):
    def __init__(self, task_label: str, state_label: str) -> None:
        super().__init__(f"L'état « {state_label} » n'est pas permis pour la tâche « {task_label} ».")


class SameBoxError(SynoptuxError):
    def __init__(self, label: str) -> None:
        super().__init__(f"Le patient est déjà dans « {label} ».")


class NotInExitBoxError(SynoptuxError):
    def __init__(self) -> None:
        super().__init__("Seul un patient placé dans un box de sortie peut quitter le tableau.")


class ConflictError(SynoptuxError):
    """Another screen changed the patient or task since this view was read."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} a été modifié(e) depuis un autre écran. "
            "Le tableau est rafraîchi : vérifiez puis recommencez."
        )


class InvalidValueError(SynoptuxError):
    pass
