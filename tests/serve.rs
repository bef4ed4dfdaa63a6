//! `notice serve` (issue 20) in a real browser: headless Chromium driven
//! through chromedriver's WebDriver protocol (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them). The pages are drawn, an
//! edit shows without a reload, an error shows its place in the page and
//! goes when fixed; requests outside the served paths, for another Host
//! or from another Origin are refused.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request with `Connection: close`: the status and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    // To the end of the body: its Content-Length, else the connection's end.
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16384];
    loop {
        let n = stream.read(&mut chunk).unwrap_or(0);
        raw.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, rest)) = text.split_once("\r\n\r\n")
            && let Some(length) = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            && rest.len() >= length
        {
            break;
        }
        if n == 0 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(rest)
    } else {
        rest.to_string()
    };
    (status, body)
}

fn unchunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `notice serve` on a plan, and the address it prints.
fn serve(plan: &Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_notice"))
        .args(["serve", "--no-system-fonts", plan.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8];
    while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let url = String::from_utf8(line).unwrap();
    let addr = url
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "serve prints its address: {url}"
    );
    (Running(child), addr)
}

/// A headless Chromium session.
struct Browser {
    _driver: Running,
    driver: String,
    session: String,
}

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("the browser checks need chromedriver: install chromium and chromium-driver ({e})")
            });
        let driver = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while TcpStream::connect(&driver).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=900,1100"]
        }}}});
        let (status, body) = http(&driver, "POST", "/session", &[], &capabilities.to_string());
        assert_eq!(status, 200, "a Chromium session: {body}");
        let value: Value = serde_json::from_str(&body).unwrap();
        let session = value["value"]["sessionId"].as_str().unwrap().to_string();
        Browser {
            _driver: Running(child),
            driver,
            session,
        }
    }

    fn command(&self, path: &str, body: Value) -> Value {
        let (status, reply) = http(
            &self.driver,
            "POST",
            &format!("/session/{}/{path}", self.session),
            &[],
            &body.to_string(),
        );
        assert_eq!(status, 200, "{path}: {reply}");
        serde_json::from_str::<Value>(&reply).unwrap()["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("url", json!({ "url": url }));
    }

    fn run(&self, script: &str) -> Value {
        self.command("execute/sync", json!({ "script": script, "args": [] }))
    }

    /// Waits until `script` returns true.
    fn wait_for(&self, what: &str, script: &str) {
        let started = Instant::now();
        while self.run(script) != Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the page never showed {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            &self.driver,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            "",
        );
    }
}

const PLAN: &str = "issuer = \"某某县应急管理局\"\nnumber = \"某应急〔2024〕7号\"\ntitle = \"关于做好防汛工作的通知\"\nto = \"各乡镇人民政府：\"\nbody = \"\"\"\n请各单位做好防汛准备工作。\n\"\"\"\ndate = 2024-05-20\n";

#[test]
fn the_browser_shows_pages_edits_and_errors_live() {
    let dir = scratch("serve");
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, PLAN).unwrap();
    let (_server, addr) = serve(&plan);
    let browser = Browser::start();
    browser.open(&format!("http://{addr}/"));
    browser.wait_for(
        "page 1 drawn",
        "const img = document.querySelector('img.page'); return !!img && img.complete && img.naturalWidth > 100",
    );
    let title = browser.run("return document.getElementById('title').textContent");
    assert_eq!(title, json!("关于做好防汛工作的通知"));
    // A4 proportions, and the page number under it.
    let shape = browser.run(
        "const r = document.querySelector('img.page').getBoundingClientRect(); return r.height / r.width",
    );
    assert!(
        (shape.as_f64().unwrap() - 297.0 / 210.0).abs() < 0.01,
        "{shape}"
    );
    let caption = browser.run("return document.querySelector('figcaption').textContent");
    assert_eq!(caption, json!("— 1 —"));

    // An edit shows without a reload: the page's own state survives.
    let scrolled =
        browser.run("window.kept = 'no reload'; window.scrollTo(0, 60); return window.scrollY");
    assert_eq!(scrolled, json!(60));
    let before = browser.run("return document.querySelector('img.page').src");
    std::fs::write(&plan, PLAN.replace("防汛工作", "防汛抗旱工作")).unwrap();
    browser.wait_for(
        "the new title",
        "return document.getElementById('title').textContent === '关于做好防汛抗旱工作的通知'",
    );
    assert_eq!(browser.run("return window.kept"), json!("no reload"));
    assert_ne!(
        browser.run("return document.querySelector('img.page').src"),
        before
    );
    assert_eq!(
        browser.run("return window.scrollY"),
        scrolled,
        "the scroll position stays"
    );

    // A broken plan keeps the last pages and shows where it is broken.
    std::fs::write(&plan, format!("{PLAN}title = \"unclosed\n")).unwrap();
    browser.wait_for(
        "the error",
        "return [...document.querySelectorAll('#problems pre.error')].some(p => p.textContent.includes('plan.toml:9:') && p.textContent.includes('hint'))",
    );
    assert_eq!(
        browser.run("return document.getElementById('status').textContent"),
        json!("failed")
    );
    assert_eq!(
        browser.run("return document.querySelectorAll('img.page').length"),
        json!(1)
    );
    assert_eq!(browser.run("return window.kept"), json!("no reload"));

    // Fixed: the error goes.
    std::fs::write(&plan, PLAN).unwrap();
    browser.wait_for(
        "the error gone",
        "return document.getElementById('status').textContent === 'ok' && document.querySelectorAll('#problems pre.error').length === 0",
    );

    // The downloads are the document's.
    let pdf = http(&addr, "GET", "/doc/0/download/pdf", &[], "");
    assert_eq!(pdf.0, 200);
    assert!(pdf.1.starts_with("%PDF"));
    let txt = http(&addr, "GET", "/doc/0/download/txt", &[], "").1;
    assert!(txt.contains("关于做好防汛工作的通知"), "{txt}");
    let ofd = http(&addr, "GET", "/doc/0/download/ofd", &[], "");
    assert_eq!(ofd.0, 200);
    assert!(ofd.1.starts_with("PK"), "an OFD package is a zip archive");
}

#[test]
fn requests_outside_the_preview_or_from_elsewhere_are_refused() {
    let dir = scratch("serve-guard");
    std::fs::write(dir.join("secret.txt"), "TOP-SECRET").unwrap();
    let plan = dir.join("plan.toml");
    std::fs::write(&plan, PLAN).unwrap();
    let (_server, addr) = serve(&plan);
    let started = Instant::now();
    while !http(&addr, "GET", "/doc/0/state", &[], "")
        .1
        .contains("\"built\":1")
    {
        assert!(started.elapsed() < Duration::from_secs(30), "never built");
        std::thread::sleep(Duration::from_millis(50));
    }
    for path in [
        "/../secret.txt",
        "/doc/0/../../secret.txt",
        "/doc/0/%2e%2e/%2e%2e/secret.txt",
        "/doc/0/page/..%2f..%2fsecret.txt",
        "/doc/0/download/..%2fsecret.txt",
        "/secret.txt",
        "/plan.toml",
        "/doc/1/",
        "/doc/0/page/2.svg",
    ] {
        let (status, body) = http(&addr, "GET", path, &[], "");
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("TOP-SECRET"));
    }
    let port = addr.rsplit(':').next().unwrap();
    for (name, value) in [
        ("Host", format!("evil.example:{port}")),
        ("Host", "127.0.0.1:1".to_string()),
        ("Origin", "http://evil.example".to_string()),
        ("Origin", format!("http://evil.example:{port}")),
    ] {
        for path in ["/doc/0/state", "/doc/0/events", "/doc/0/page/1.svg"] {
            let (status, _) = http(&addr, "GET", path, &[(name, &value)], "");
            assert_eq!(status, 403, "{path} with {name}: {value}");
        }
    }
    let (status, _) = http(&addr, "POST", "/doc/0/state", &[], "{}");
    assert_eq!(status, 405);
    // Its own pages may ask.
    let (status, _) = http(
        &addr,
        "GET",
        "/doc/0/state",
        &[("Origin", &format!("http://{addr}"))],
        "",
    );
    assert_eq!(status, 200);
}

#[test]
fn a_folder_lists_its_plans_with_their_status() {
    let dir = scratch("serve-folder");
    std::fs::write(dir.join("a.toml"), PLAN).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub").join("b.toml"), "title = \"unclosed\n").unwrap();
    let (_server, addr) = serve(&dir);
    let started = Instant::now();
    let index = loop {
        let (status, body) = http(&addr, "GET", "/", &[], "");
        assert_eq!(status, 200);
        if !body.contains("building") {
            break body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never built: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(index.contains("2 plans"), "{index}");
    for (n, plan, status) in [(0, "a.toml", "ok"), (1, "b.toml", "failed")] {
        let row = index
            .lines()
            .find(|l| l.contains(plan))
            .unwrap_or_else(|| panic!("{plan} listed: {index}"));
        assert!(row.contains(&format!("href=\"/doc/{n}/\"")), "{row}");
        assert!(row.contains(status), "{plan} is {status}: {row}");
    }
    let (_, state) = http(&addr, "GET", "/doc/1/state", &[], "");
    assert!(state.contains("b.toml:1:"), "{state}");
}
