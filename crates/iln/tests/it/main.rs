//! The `iln` binary's one integration-test binary: each module tests one subcommand or flow.

mod admin;
mod cli;
mod demo;
mod postgres;
mod serve;
