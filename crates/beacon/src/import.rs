//! `beacon import`: filled in by its part of the talent pool.
