//! `notice serve`: a live preview in the browser, over the in-memory
//! engine ([`Engine::render`]).
//!
//! Each plan is built in memory, then again on every save of a file it
//! names or of the template ([`watch::watch_with`]); a build that fails
//! keeps the last good pages and shows its problems instead. The server
//! answers from what is in memory only (pages as SVG, the PDF, DOCX and
//! text twin): no request path maps to a file on disk. Browsers hear of a
//! new build through server-sent events and fetch the new pages in place.
//!
//! `tiny_http` serves it: a small blocking HTTP server (no async runtime
//! to compile into the binary), whose `into_writer` gives the event
//! stream its own flushed connection.

pub mod guard;

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::diagnostic::Severity;
use crate::driver::{Engine, Job, Made, Options, Outcome, watch};

pub use guard::Guard;

/// Requests handled at once (event streams included); more wait in the
/// kernel's queue and are answered 503 when they still find it full.
pub const MAX_CLIENTS: usize = 64;

/// How often an idle event stream says it is alive (and finds out that
/// its client is gone).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

const VIEWER: &str = include_str!("viewer.html");

/// What the browser is shown of one plan: the last good outputs, and the
/// last build's problems.
struct Doc {
    job: Job,
    /// Bumps when anything below changes.
    version: u64,
    /// Bumps when the pages and downloads are replaced.
    built: u64,
    title: String,
    status: &'static str,
    pages: Vec<Arc<Vec<u8>>>,
    /// By extension (`pdf`, `docx`, `ofd`, `txt`): file name and bytes.
    downloads: Vec<(String, String, Arc<Vec<u8>>)>,
    problems: Vec<(&'static str, String)>,
    /// How long the last build took.
    ms: f64,
}

struct Shared {
    docs: Mutex<Vec<Doc>>,
    changed: Condvar,
}

impl Shared {
    fn update(&self, i: usize, outcome: &Outcome, made: Option<Made>) {
        let problems = outcome
            .diagnostics
            .iter()
            .map(|d| {
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "note",
                };
                (severity, d.render(&outcome.sources, false))
            })
            .collect::<Vec<_>>();
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        let doc = &mut docs[i];
        doc.status = match &made {
            None => "failed",
            Some(_) if problems.iter().any(|(s, _)| *s != "note") => "warnings",
            Some(_) => "ok",
        };
        if let Some(made) = made {
            let mut pages: Vec<(usize, Vec<u8>)> = Vec::new();
            let mut downloads = Vec::new();
            for (path, bytes) in made.files {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if ext == "svg" {
                    let n = name
                        .trim_end_matches(".svg")
                        .rsplit('-')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    pages.push((n, bytes));
                } else {
                    downloads.push((ext, name, Arc::new(bytes)));
                }
            }
            pages.sort_by_key(|(n, _)| *n);
            doc.pages = pages.into_iter().map(|(_, b)| Arc::new(b)).collect();
            doc.downloads = downloads;
            if let Some(document) = made.document {
                doc.title = document.metadata.title;
            }
            doc.built += 1;
        }
        doc.problems = problems;
        doc.ms = outcome.elapsed.as_secs_f64() * 1000.0;
        doc.version += 1;
        self.changed.notify_all();
    }
}

/// Builds every job in memory and serves them on `server` until the
/// process is stopped. `template_dir` is watched too.
pub fn serve(
    engine: &Engine,
    jobs: Vec<Job>,
    options: &Options,
    template_dir: Option<&Path>,
    server: tiny_http::Server,
    guard: Guard,
) {
    let shared = Shared {
        docs: Mutex::new(
            jobs.into_iter()
                .map(|job| Doc {
                    title: job.label.clone(),
                    job,
                    version: 0,
                    built: 0,
                    status: "building",
                    pages: Vec::new(),
                    downloads: Vec::new(),
                    problems: Vec::new(),
                    ms: 0.0,
                })
                .collect(),
        ),
        changed: Condvar::new(),
    };
    let count = shared.docs.lock().map_or(0, |d| d.len());
    // Two cores build one document faster than two at once.
    let building = Mutex::new(());
    let active = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for i in 0..count {
            let job = shared.docs.lock().map(|d| d[i].job.clone()).ok();
            let Some(job) = job else { continue };
            let (shared, building) = (&shared, &building);
            scope.spawn(move || {
                let _ = watch::watch_with(
                    &job,
                    template_dir,
                    || {
                        let _one = building.lock().unwrap_or_else(|e| e.into_inner());
                        let (outcome, made) = engine.render(&job, options);
                        typst::comemo::evict(10);
                        shared.update(i, &outcome, made);
                        outcome
                    },
                    |_| ControlFlow::Continue(()),
                );
            });
        }
        for request in server.incoming_requests() {
            if active.fetch_add(1, Ordering::SeqCst) >= MAX_CLIENTS {
                active.fetch_sub(1, Ordering::SeqCst);
                let _ = request.respond(text(503, "too many clients; try again"));
                continue;
            }
            let (shared, guard, active) = (&shared, &guard, &active);
            scope.spawn(move || {
                handle(request, shared, guard);
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn reply(status: u16, kind: &str, body: Vec<u8>) -> Reply {
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", kind))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Referrer-Policy", "no-referrer"))
}

fn text(status: u16, message: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
    )
}

fn redirect(to: &str) -> Reply {
    text(302, "moved").with_header(header("Location", to))
}

fn header_value<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

fn handle(request: Request, shared: &Shared, guard: &Guard) {
    let host_ok = header_value(&request, "Host").is_some_and(|h| guard.host_allowed(h));
    let origin_ok = guard.origin_allowed(header_value(&request, "Origin"));
    if !host_ok || !origin_ok {
        let _ = request.respond(text(
            403,
            "this preview answers only to its own address, from its own pages",
        ));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "only GET"));
        return;
    }
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let response = match parts.as_slice() {
        [""] => index(shared),
        ["doc", i] if doc_exists(shared, i) => Some(redirect(&format!("/doc/{i}/"))),
        ["doc", i, ""] if doc_exists(shared, i) => Some(
            reply(200, "text/html; charset=utf-8", VIEWER.as_bytes().to_vec()).with_header(
                header(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self'",
                ),
            ),
        ),
        ["doc", i, "state"] => {
            let plans = shared.docs.lock().map_or(0, |d| d.len());
            with_doc(shared, i, |doc| state(doc, plans))
        }
        ["doc", i, "page", page] => with_doc(shared, i, |doc| {
            let n: usize = page.strip_suffix(".svg")?.parse().ok()?;
            let bytes = doc.pages.get(n.checked_sub(1)?)?;
            Some(reply(200, "image/svg+xml", bytes.to_vec()))
        }),
        ["doc", i, "download", ext] => with_doc(shared, i, |doc| {
            let (_, name, bytes) = doc.downloads.iter().find(|(e, _, _)| e == ext)?;
            let kind = match *ext {
                "pdf" => "application/pdf",
                "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "ofd" => "application/ofd",
                _ => "text/plain; charset=utf-8",
            };
            Some(
                reply(200, kind, bytes.to_vec())
                    .with_header(header("Content-Disposition", &attachment(name))),
            )
        }),
        ["doc", i, "events"] => {
            if let Some(i) = doc_index(shared, i) {
                events(request, shared, i);
                return;
            }
            None
        }
        _ => None,
    };
    let _ = request.respond(response.unwrap_or_else(|| text(404, "not found")));
}

fn doc_index(shared: &Shared, i: &str) -> Option<usize> {
    let i: usize = i.parse().ok()?;
    let docs = shared.docs.lock().ok()?;
    (i < docs.len()).then_some(i)
}

fn doc_exists(shared: &Shared, i: &str) -> bool {
    doc_index(shared, i).is_some()
}

fn with_doc(shared: &Shared, i: &str, f: impl FnOnce(&Doc) -> Option<Reply>) -> Option<Reply> {
    let i = doc_index(shared, i)?;
    let docs = shared.docs.lock().ok()?;
    f(&docs[i])
}

fn state(doc: &Doc, plans: usize) -> Option<Reply> {
    let json = serde_json::json!({
        "plans": plans,
        "version": doc.version,
        "built": doc.built,
        "title": doc.title,
        "plan": doc.job.label,
        "status": doc.status,
        "pages": doc.pages.len(),
        "ms": doc.ms,
        "downloads": doc.downloads.iter().map(|(e, _, _)| e).collect::<Vec<_>>(),
        "problems": doc.problems.iter().map(|(s, t)| serde_json::json!({"severity": s, "text": t})).collect::<Vec<_>>(),
    });
    Some(reply(
        200,
        "application/json",
        json.to_string().into_bytes(),
    ))
}

/// The first page: the one plan's preview, or the list of a folder's.
fn index(shared: &Shared) -> Option<Reply> {
    let docs = shared.docs.lock().ok()?;
    if docs.len() == 1 {
        return Some(redirect("/doc/0/"));
    }
    let mut rows = String::new();
    for (i, doc) in docs.iter().enumerate() {
        rows.push_str(&format!(
            "<tr><td><a href=\"/doc/{i}/\">{}</a></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
            escape(&doc.job.label),
            escape(&doc.title),
            doc.status,
            doc.status,
            doc.pages.len()
        ));
    }
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>notice serve</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:2em}}td{{padding:.2em 1em}}.failed{{color:#c00}}.warnings{{color:#a60}}</style>\
         <h1>{} plans</h1><table><tr><th>plan</th><th>title</th><th>status</th><th>pages</th></tr>\n{rows}</table></html>",
        docs.len()
    );
    Some(reply(200, "text/html; charset=utf-8", html.into_bytes()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `Content-Disposition` for a download: the name in UTF-8 (RFC 6266),
/// and an ASCII stand-in for old clients.
fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A server-sent event stream: `data: VERSION` now and after every change
/// of document `i`, a comment every [`KEEP_ALIVE`]. It ends when the
/// client goes.
fn events(request: Request, shared: &Shared, i: usize) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    let mut seen = None;
    loop {
        let version = {
            let docs = shared.docs.lock().unwrap_or_else(|e| e.into_inner());
            let (docs, _) = shared
                .changed
                .wait_timeout_while(docs, KEEP_ALIVE, |docs| Some(docs[i].version) == seen)
                .unwrap_or_else(|e| e.into_inner());
            docs[i].version
        };
        let message = if Some(version) == seen {
            ": alive\n\n".to_string()
        } else {
            seen = Some(version);
            format!("data: {version}\n\n")
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_keep_their_chinese_names() {
        assert_eq!(
            attachment("通知.pdf"),
            "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf"
        );
    }
}
