"""The customer 360: one staff page per customer (admin:crm_customer360), built from panels."""
