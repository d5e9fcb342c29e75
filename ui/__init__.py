"""The Gradio chat front (``kutip chat``): a thin layer over ``qa``, ``ingest`` and the store.

Import :func:`ui.app.build_app` / :func:`ui.app.launch` from :mod:`ui.app`; this package
module stays import-light so ``import ui`` never pulls in Gradio or the models.
"""
