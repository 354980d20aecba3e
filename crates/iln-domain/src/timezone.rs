//! timezone (being written)
