"""Turning raw material (HTML with gold text, article text) into labelled training pages."""
