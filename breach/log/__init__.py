"""The breach log (PECR reg 5A(8)): every breach with its facts, effects and remedial action,
submitted to the ICO monthly, with a nil return for a month without breaches."""
