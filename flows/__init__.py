"""Prefect flows over the cleanpipe library (installed as ``cleanpipe_flows``)."""
