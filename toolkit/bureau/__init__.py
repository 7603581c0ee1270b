"""Bureau work: the annex 6 summary, annex 7 re-review and the reporting calendar."""
