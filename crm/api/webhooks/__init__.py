"""Webhooks: endpoints that admins register (``endpoints``) and that the API server delivers
the change log to, signed as the Standard Webhooks specification says (``delivery``)."""
