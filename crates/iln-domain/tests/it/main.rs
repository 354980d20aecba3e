//! iln-domain's one integration-test binary: each module tests one module of the crate.

mod account;
mod application;
mod clock;
mod commitments;
mod country;
mod import;
mod profile;
mod proposal;
mod report;
mod round;
mod scoring;
mod status;
mod survey;
mod timezone;
