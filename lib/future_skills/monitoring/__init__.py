"""Monitoring: prediction log (format, writer, reader), drift statistics and inputs, traffic simulation."""
