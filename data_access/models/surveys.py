"""Tables of pulse surveys (waves, participation, anonymous answers) and action items."""
