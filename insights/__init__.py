"""What youths look for and don't find (issue 17): aggregate demand, private by construction.

The flow, one way::

    web (a settled search) -> record.record_of(results) -> Record      (day, normalised words, fiches…)
        -> recorder.Recorder.offer(record)          in memory, bounded, never blocks nor raises
        -> background writer -> store.Store.add()   batched upserts: count += n (the only SQL)
    bloomr insights -> store.Store.totals(period) -> report.build_report(...) -> text, JSON, html

Which requests count is decided in ``rules``; what is kept, and for how long, in ``store``.
This package imports ``search`` only; ``web`` and ``bloomr`` import it.
"""
