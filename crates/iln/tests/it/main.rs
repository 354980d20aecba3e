//! The `iln` binary's one integration-test binary: each module tests one subcommand or flow.

mod admin;
mod browser;
mod cli;
mod crash;
mod demo;
mod match_cmd;
mod postgres;
mod serve;
mod solve;
mod worker;
