"""Free-busy periods: clipped to the range, merged, free instances left out."""

from services.calendar.domain.expand import busy_periods
from services.calendar.domain.timeindex import BUSY, FREE, TENTATIVE, Instance


def inst(start, end, busy=BUSY):
    return Instance(start, end, 0, None, False, busy)


def test_merge_clip_and_types():
    instances = [
        inst(100, 200),
        inst(150, 300),
        inst(300, 350),
        inst(500, 600, TENTATIVE),
        inst(550, 700, TENTATIVE),
        inst(400, 450, FREE),
        inst(800, 900),
        inst(50, 120),
    ]
    assert busy_periods(instances, 80, 850) == [(80, 350, BUSY), (500, 700, TENTATIVE), (800, 850, BUSY)]


def test_zero_length_and_empty():
    assert busy_periods([inst(100, 100)], 0, 1000) == []
    assert busy_periods([], 0, 1000) == []
