"""Rendering tables for people: Markdown, HTML, LaTeX, DOCX, XLSX, CSV, JSON."""
