//! iln-web's one integration-test binary: the whole app in-process on a fresh SQLite store.

mod account;
mod admin;
mod apply;
mod database;
mod exports;
mod helpers;
mod import;
mod mail;
mod matching;
mod pages;
mod partnerships;
mod people;
mod reports;
mod review;
mod robustness;
mod round_e2e;
mod rounds;
mod security;
mod server;
mod surveys;
mod topics;
