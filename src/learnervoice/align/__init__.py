"""Offer alignment: a catalogue of micro-credentials scored against what the study's learners asked for."""
