//! `iln serve` as a real process: it answers `/healthz`, `--demo` loads and prints the demo
//! accounts once, and SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::cli::Scratch;

/// The server process, killed if a test fails before stopping it.
pub struct Running {
    child: Child,
    pub address: String,
    /// Everything it printed up to and including the "listening" line.
    pub banner: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(scratch: &Scratch, extra: &[&str]) -> Running {
    let mut command = scratch.iln();
    command.args(["serve", "--bind", "127.0.0.1:0"]).args(extra);
    start_command(command)
}

/// Starts a prepared `iln serve` command and waits for its "listening" line.
pub fn start_command(mut command: std::process::Command) -> Running {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start iln serve");
    let stdout = child.stdout.take().expect("piped stdout");
    // Read the banner on a thread, so a server that never gets to listen fails the test
    // after a timeout instead of hanging it.
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut banner = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            banner.push_str(&line);
            banner.push('\n');
            if let Some(rest) = line.strip_prefix("ILN is listening on http://") {
                let address = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send((address, banner.clone()));
            }
        }
    });
    let (address, banner) = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("the server should print its address");
    Running {
        child,
        address,
        banner,
    }
}

/// A minimal HTTP/1.1 GET, enough to read a status line without an HTTP client dependency.
pub fn get_status(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response.lines().next().unwrap_or_default().to_owned()
}

/// Sends SIGTERM and expects a graceful, successful exit.
pub fn stop(mut running: Running) {
    let pid = running.child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
    for _ in 0..300 {
        if let Some(status) = running.child.try_wait().expect("check the server") {
            assert!(status.success(), "serve exited with {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("serve did not stop within 30 seconds of SIGTERM");
}

#[test]
fn serve_answers_healthz_and_stops_on_sigterm() {
    let scratch = Scratch::new();
    let running = start(&scratch, &[]);
    assert!(
        running.address.starts_with("127.0.0.1:"),
        "{}",
        running.address
    );
    assert_eq!(get_status(&running.address, "/healthz"), "HTTP/1.1 200 OK");
    // serve migrated the new database before listening.
    assert!(scratch.db_path().exists());
    assert!(
        !running.banner.contains("Demo accounts"),
        "{}",
        running.banner
    );
    stop(running);
}

#[test]
fn serve_demo_loads_once_and_prints_the_accounts() {
    let scratch = Scratch::new();
    let running = start(&scratch, &["--demo"]);
    for role in ["Program coordinator", "Country coordinator", "Participant"] {
        assert!(running.banner.contains(role), "{role}: {}", running.banner);
    }
    assert!(running.banner.contains("password: "), "{}", running.banner);
    assert_eq!(get_status(&running.address, "/healthz"), "HTTP/1.1 200 OK");
    stop(running);

    // A second start finds the demo and prints the same accounts without loading again.
    let again = start(&scratch, &["--demo"]);
    assert!(again.banner.contains("already"), "{}", again.banner);
    assert!(
        again.banner.contains("Program coordinator"),
        "{}",
        again.banner
    );
    stop(again);
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let scratch = Scratch::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let result = crate::cli::run(scratch.iln().args(["serve", "--bind", &address]));
    crate::cli::assert_one_line_error(&result, &format!("could not listen on {address}"));
}

#[test]
fn a_bad_mail_configuration_stops_start_up_with_one_line() {
    let scratch = Scratch::new();
    let result = crate::cli::run(scratch.iln().env("ILN_MAIL_FROM", "not an address").args([
        "serve",
        "--bind",
        "127.0.0.1:0",
    ]));
    crate::cli::assert_one_line_error(&result, "mail.from");
    assert!(!result.1.contains("listening"), "{}", result.1);
    // The cause is said once, not repeated by each layer of errors.
    assert_eq!(
        result.2.matches("not an address").count(),
        1,
        "{}",
        result.2
    );

    let result = crate::cli::run(
        scratch
            .iln()
            .env("ILN_MAIL_SMTP_URL", "ftp://mail.example.org")
            .args(["serve", "--bind", "127.0.0.1:0"]),
    );
    crate::cli::assert_one_line_error(&result, "mail.smtp_url");
}
