"""Forms of the objectivity pages: the federal list file."""

from __future__ import annotations

from django import forms


class FederalListUploadForm(forms.Form):
    file = forms.FileField(
        label="Федеральный перечень ОО с маркерами необъективности (.xlsx или .csv)",
        help_text="Столбцы: Год | Логин | Муниципалитет | ОО | 4 РУ | 4 МА | 5 РУ | 5 МА | "
        "Количество маркеров. Отмеченная ячейка — 1 (или другое число больше 0), «да», «+», "
        "«х» или «v»; пустая, «0», «нет» или «-» — маркера нет.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
