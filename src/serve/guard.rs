//! Who may ask: a request is answered only when its `Host` names this
//! server (a loopback name, an IP literal, or the `--host` given), and its
//! `Origin`, when a browser sends one, is this server too. That refuses
//! DNS rebinding (a hostile name that resolves to 127.0.0.1) and other
//! sites' pages reading the preview or its event stream.

/// The `Host` values this server answers to, for a listening port.
#[derive(Debug, Clone)]
pub struct Guard {
    port: u16,
    /// The `--host` name, when it is not an IP literal.
    named: Option<String>,
}

impl Guard {
    pub fn new(host: &str, port: u16) -> Guard {
        let named =
            (!is_ip_literal(host) && host != "localhost").then(|| host.to_ascii_lowercase());
        Guard { port, named }
    }

    /// Whether a `Host` header names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let Some((name, port)) = split_port(&host) else {
            return false;
        };
        if port != self.port {
            return false;
        }
        name == "localhost" || is_ip_literal(name) || self.named.as_deref() == Some(name)
    }

    /// Whether an `Origin` header (absent: a same-origin or non-browser
    /// request) is this server.
    pub fn origin_allowed(&self, origin: Option<&str>) -> bool {
        match origin {
            None => true,
            Some(origin) => origin
                .trim()
                .strip_prefix("http://")
                .is_some_and(|host| !host.contains('/') && self.host_allowed(host)),
        }
    }
}

/// `name:port`, or `[v6]:port`.
fn split_port(host: &str) -> Option<(&str, u16)> {
    let (name, port) = host.rsplit_once(':')?;
    let port = port.parse().ok()?;
    let name = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    (!name.is_empty()).then_some((name, port))
}

fn is_ip_literal(name: &str) -> bool {
    name.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_server_by_name_or_address() {
        let guard = Guard::new("127.0.0.1", 8123);
        for ok in [
            "127.0.0.1:8123",
            "localhost:8123",
            "[::1]:8123",
            "LOCALHOST:8123",
        ] {
            assert!(guard.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:8123",
            "127.0.0.1:80",
            "127.0.0.1",
            "localhost.evil.example:8123",
            "",
            ":8123",
        ] {
            assert!(!guard.host_allowed(bad), "{bad}");
        }
        let named = Guard::new("notice.lan", 8123);
        assert!(named.host_allowed("notice.lan:8123"));
        assert!(!named.host_allowed("other.lan:8123"));
    }

    #[test]
    fn only_its_own_pages_as_origin() {
        let guard = Guard::new("127.0.0.1", 8123);
        assert!(guard.origin_allowed(None));
        assert!(guard.origin_allowed(Some("http://127.0.0.1:8123")));
        assert!(guard.origin_allowed(Some("http://localhost:8123")));
        for bad in [
            "http://evil.example",
            "http://evil.example:8123",
            "https://127.0.0.1:8123",
            "null",
            "http://127.0.0.1:8123/x",
        ] {
            assert!(!guard.origin_allowed(Some(bad)), "{bad}");
        }
    }
}
