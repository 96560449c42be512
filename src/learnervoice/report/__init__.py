"""Tables and the study report for people: layout, one writer per format (Markdown, HTML, LaTeX, DOCX, XLSX, CSV, JSON), the report's assembly and its disclosure control."""
