//! country (being written)
