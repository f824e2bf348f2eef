"""Privacy requests (KVKK): the customer's data export and account erasure, as registries
(`crm.privacy.registry`) that each feature adds its sections and steps to."""
