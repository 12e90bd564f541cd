"""The box's health as its agent reports it (uptime, disk, temperature, versions, restarts) and
the flags that ask an operator's attention (``rules`` pure, ``models``, ``services``, ``api``)."""
