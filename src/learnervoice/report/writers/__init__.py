"""One writer per output format, each rendering both a TableSet (through `report.blocks`) and the study Report.

`md.py`, `html.py` and `docx.py` write tables and the report; `latex.py` tables (through great_tables, as
`html.py` does for tables); `tidy.py` the tidy data formats of tables (CSV, JSON), `xlsx.py` the formatted workbook (a sheet per table, a contents sheet, the tidy data). Which writer a file
gets is chosen in `report/formats.py` (tables) and `report/write.py` (the report, after the disclosure check).
"""
