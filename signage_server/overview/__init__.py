"""The home page (工作台): is everything all right in the caller's organisations?

Where things live: what makes the verdict and what counts as ending soon in ``rules`` (pure);
the page gathered for one caller in ``services.home``; shown by ``web.views.dashboard``.
"""
