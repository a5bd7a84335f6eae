"""The PDF engine is warmed when a Celery worker process starts and when the web process
starts (issue 15, item 8)."""

from __future__ import annotations

import importlib
import threading

from celery.signals import worker_process_init

import skydd.pdf
import skydd.warm
from skydd import celery as skydd_celery


def test_a_worker_process_warms_the_pdf_engine(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(skydd.pdf, "warm", lambda: calls.append("warm"))
    monkeypatch.setattr(skydd.warm, "settle", lambda: calls.append("settle"))
    worker_process_init.send(sender=None)
    assert calls == ["warm", "settle"]
    assert skydd_celery.warm_pdf_engine.__module__ == "skydd.celery"


def test_the_web_process_warms_it_beside_the_server(monkeypatch) -> None:
    started = threading.Event()
    monkeypatch.setattr(skydd.pdf, "warm", started.set)
    monkeypatch.setenv("SKYDD_WARM_PDF", "1")
    monkeypatch.setenv("SKYDD_SETTLE", "0")  # tests/test_settle.py: in a process of its own
    importlib.reload(importlib.import_module("skydd.wsgi"))
    assert started.wait(10)


def test_warming_renders_a_document() -> None:
    skydd.pdf.warm()  # raises if WeasyPrint cannot render
