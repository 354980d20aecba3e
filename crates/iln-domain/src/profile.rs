//! profile (being written)
