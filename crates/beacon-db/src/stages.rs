//! Each organisation's pipeline stages, seeded with the default of DESIGN.md §3.1.
