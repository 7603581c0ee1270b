"""Reading drawn forms: positioned glyphs and ruling lines (``geometry.PageGeo``), whoever drew
them.

* ``pdf_source``  a PDF page's text layer and vector paths -> ``PageGeo`` (turned upright);
* ``identify``    which annex (its printed title), and the fit onto our blank's points;
* ``text``        glyphs into lines, the reading-order stream, lines joined back into values;
* ``cells``       structure from rules: the ruled cell around a point, table rows and cells,
                  ticks inside a box;
* ``tables``      repeating tables: rows between rules, columns under the model's headers;
* ``ours``        the fast path for our own print: the printed words of ``pdfform.layout``
                  in reading order, the values between them;
* ``grid``        any other layout (Word, WPS, LibreOffice exports of the Word form): each
                  label of the model found as a ruled cell, its value in the cell beside or
                  below it.
"""
