//! iln-demo's one integration-test binary: the generated network itself, and the round
//! matching's pruned pricing checked on people drawn from it.

mod demo;
mod pricing;
