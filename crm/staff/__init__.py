"""The staff side of the CRM: teams, roles and limits, interactions, the call-centre console
and the callback queue."""
