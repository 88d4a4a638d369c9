from django.db import models

from msoko.choices import UploadStatus


class ProcedureCode(models.TextChoices):
    """Assessment procedures of DOMAIN §3; codes are the transliterations used everywhere."""

    VPR = "vpr", "ВПР"
    OGE = "oge", "ОГЭ"
    GVE9 = "gve9", "ГВЭ-9"
    EGE = "ege", "ЕГЭ"
    GVE11 = "gve11", "ГВЭ-11"
    NIKO = "niko", "НИКО"
    RKR = "rkr", "РКР"
    RDR = "rdr", "РДР"
    ROP = "rop", "РОП"
    MOP = "mop", "МОП"
    DR10 = "dr10", "ДР-10"
    VSOSH = "vsosh", "ВсОШ"
    # Not an assessment: the indicators collected from schools and surveys (roadmaps
    # collections) are stored under this «procedure» beside the assessments' ones.
    MONITORING = "mon", "Мониторинг"


class TaskLevel(models.TextChoices):
    BASIC = "Б", "базовый"
    ADVANCED = "П", "повышенный"
    HIGH = "В", "высокий"


class ThresholdKind(models.TextChoices):
    """Kinds of ЕГЭ minimum scores (DOMAIN §3)."""

    ATTESTAT = "attestat", "для аттестата"
    UNIVERSITY = "university", "для поступления в вуз"
    MINISTRY = "ministry", "установлен министерством (вуз)"


class OlympiadStage(models.TextChoices):
    SCHOOL = "school", "школьный"
    MUNICIPAL = "municipal", "муниципальный"
    REGIONAL = "regional", "региональный"
    FINAL = "final", "заключительный"


class OlympiadStatus(models.TextChoices):
    WINNER = "winner", "победитель"
    PRIZE = "prize", "призёр"
    PARTICIPANT = "participant", "участник"


class MedalKind(models.TextChoices):
    """Medals «За особые успехи в учении» (приказ Минпросвещения № 115 as amended)."""

    FIRST = "first", "I степени"
    SECOND = "second", "II степени"


class ReferenceLevel(models.TextChoices):
    RUSSIA = "russia", "Россия"
    REGION = "region", "Регион"
    MUNICIPALITY = "municipality", "Муниципалитет"
    SCHOOL = "school", "ОО"


class IndicatorLevel(models.TextChoices):
    """Where a stored indicator value sits (assessments.IndicatorValue)."""

    RUSSIA = "russia", "Россия"
    REGION = "region", "Регион"
    MUNICIPALITY = "municipality", "Муниципалитет"
    SCHOOL = "school", "ОО"
    CLASS = "class", "класс"  # `part` holds the class name, e.g. «4А»


class ReferenceKind(models.TextChoices):
    MARKS = "marks", "Статистика по отметкам"
    JOURNAL = "journal", "Сравнение с отметками по журналу"


def procedure_code(value: str) -> str:
    """The code of a procedure named by its code or its name («vpr», «ВПР»); ValueError else."""
    wanted = value.strip().lower()
    for choice in ProcedureCode:
        if wanted in (choice.value, str(choice.label).lower()):
            return choice.value
    raise ValueError(f"Неизвестная процедура «{value}».")


class CampaignAction(models.TextChoices):
    LOCK = "lock", "Приём результатов закрыт"
    UNLOCK = "unlock", "Приём результатов открыт"


__all__ = ["UploadStatus"]  # the shared statuses of uploads, kept importable from here
