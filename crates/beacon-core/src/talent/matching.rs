//! Filled in by its part of the talent pool.
