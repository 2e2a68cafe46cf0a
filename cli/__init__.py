"""The ``facekg`` command line: a client of the library, like the API, in a room of its own.

``cli/app.py`` builds the Typer app and registers each command group explicitly; one module per
group; every command ends an error the same way (:mod:`cli.errors`) and opens its store through
the composition root (:mod:`facekg.runtime`).
"""
