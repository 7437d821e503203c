"""Printable documents: WeasyPrint rendering with the PAC print layout, and document jobs for
the large ones (a record per request, rendered by a Celery task, downloaded through a view that
checks permission again, removed when it expires). Each app registers the documents it prints."""
