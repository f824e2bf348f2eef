"""Live chat and the "where is my order" assistant (docs/contact-centre.md).

Rooms: `states` (the table), `services` (every write), `selectors` (reads), `assistant` (the
guided answers), views and the agent console. Kept import-light: crm.models reads `states`."""
