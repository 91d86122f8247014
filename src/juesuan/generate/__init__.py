"""Generation of disclosures from a fill-in workbook (``juesuan template`` / ``juesuan build``).

- :mod:`.workbook` writes the fill-in workbook (one sheet per input table, primary cells open,
  totals as formulas, sheet protection without password, data validation) and reads a filled one
  back into a :class:`.spec.DisclosureSpec`, with Chinese messages naming sheet and cell;
- :mod:`.spec` holds the spec (the primary figures, the narrative inputs) and the bundled examples,
  :mod:`.derive` derives every total from it (:class:`.derive.Accounts`), :mod:`.draft` drafts the
  cover line, the 情况说明 and the 绩效 parts as model objects (paragraphs with their sections,
  :class:`juesuan.model.PerformanceTable` titled from the layouts data), never read back through a
  reader;
- :mod:`.model` turns a spec into the disclosure model of a variant: :mod:`.derive` derives
  every total and :mod:`.draft` drafts the 情况说明 (one generator), :mod:`.final` lays the tables out from those
  figures through the layouts data (:mod:`.tables`: one table from a layout and figures, also for
  budgets), as the variant prints them;
- :mod:`.document` writes the generated document as text (the model's tables and 绩效 tables through
  :mod:`juesuan.writers.text`), clean or with known errors planted, and the bundled example;
- :mod:`juesuan.writers.pdf` prints the model as PDF (fpdf2, a system CJK font subset and embedded);
- :mod:`.build` writes the outputs (XLSX/DOCX/HTML through :mod:`juesuan.writers`, PDF) into a
  temporary directory, records ``build.json`` and moves everything into place at the end.

The checks themselves run in the command layer (:mod:`juesuan.genrun`), which owns the pipeline.
"""
