"""The public gallery: every simulator as a Voilà app anyone can open, no account needed.

A hub service (``gallery``, at ``/services/gallery/``) that the hub starts with itself:
a standalone Voilà server (:mod:`isoko.gallery.app`) serving one app notebook per
simulator and language, written at each start from the catalog (:mod:`.folder`). It
keeps kernels preheated so a visitor sees a chart at once, caps the kernels of the whole
gallery (past the cap a visitor gets a "busy, try again in a minute" page), and stops a
kernel when its page closes or idles (:mod:`.kernels`). How many kernels it preheats and
allows is sized from the machine (:mod:`.sizing`).

It runs as an account of its own, in a sandbox that shows it only the installed package
and the gallery's folder; its kernels have no network at all (:mod:`isoko.hub.gallery`).

URLs: ``<base>`` is the index in English, ``<base><lang>/`` in another language,
``<base><lang>/<simulator id>`` an app (``/services/gallery/fr/price-and-profit``).
"""
