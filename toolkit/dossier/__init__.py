"""Binding the dossier: article 9's eleven items in order, print-ready and electronic."""
