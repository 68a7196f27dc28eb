//! See the module list in `pipeline`.
