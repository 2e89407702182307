"""The compliance signals, declared once (`catalog`), with the types they are made of (`declaration`) and the
docs' tables derived from them (`docs`: `python -m models.signals.docs`, or `./dev docs`)."""

from models.signals.catalog import HEAD_RECEPTION_DAYS, SIGNAL_CODES, SIGNALS, signal_named
from models.signals.declaration import ByUnitType, Signal, days_required_vi

__all__ = ["SIGNALS", "SIGNAL_CODES", "HEAD_RECEPTION_DAYS", "signal_named", "Signal", "ByUnitType",
           "days_required_vi"]
