from django.db import models


class OrgFamily(models.TextChoices):
    GENERAL = "general", "Общеобразовательная"
    PRESCHOOL = "preschool", "Дошкольная"
    ADDITIONAL = "additional", "Дополнительного образования"


class OrgType(models.TextChoices):
    """Kinds of educational organisations (DOMAIN §2)."""

    SOSH = "sosh", "СОШ"
    OOSH = "oosh", "ООШ"
    NOSH = "nosh", "НОШ"
    GYMNASIUM = "gymnasium", "Гимназия"
    LYCEUM = "lyceum", "Лицей"
    EDU_CENTER = "edu_center", "Центр образования"
    EVENING = "evening", "Вечерняя (сменная) школа"
    CADET = "cadet", "Кадетская школа"
    DOO = "doo", "Детский сад (ДОО)"
    UDO = "udo", "УДО"
    DYUC = "dyuc", "ДЮЦ"
    DYUSSH = "dyussh", "ДЮСШ"


ORG_TYPE_FAMILY = {
    OrgType.SOSH: OrgFamily.GENERAL,
    OrgType.OOSH: OrgFamily.GENERAL,
    OrgType.NOSH: OrgFamily.GENERAL,
    OrgType.GYMNASIUM: OrgFamily.GENERAL,
    OrgType.LYCEUM: OrgFamily.GENERAL,
    OrgType.EDU_CENTER: OrgFamily.GENERAL,
    OrgType.EVENING: OrgFamily.GENERAL,
    OrgType.CADET: OrgFamily.GENERAL,
    OrgType.DOO: OrgFamily.PRESCHOOL,
    OrgType.UDO: OrgFamily.ADDITIONAL,
    OrgType.DYUC: OrgFamily.ADDITIONAL,
    OrgType.DYUSSH: OrgFamily.ADDITIONAL,
}


class Locality(models.TextChoices):
    URBAN = "urban", "Городская"
    RURAL = "rural", "Сельская"


class ShnsuRule(models.TextChoices):
    """How the ШНСУ threshold on the social well-being index is read."""

    SHARE = "share", "Нижняя доля школ муниципалитета, %"
    ABSOLUTE = "absolute", "Индекс ниже порога"
