"""Verification of the register: the trail's chain and the tables' agreement with it."""
