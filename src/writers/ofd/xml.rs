//! Numbers and text as OFD's XML writes them.

use std::fmt::Write;

/// A length or coordinate in mm, to a thousandth (0.001 mm, far inside
/// the 0.05 mm the layout is checked to), without trailing zeros.
pub fn num(value: f64) -> String {
    let mut s = format!("{value:.3}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".into() } else { s }
}

/// A CTM: its scale and turn to a millionth (it multiplies lengths of up
/// to a page), its move in mm.
pub fn matrix(m: &[f64; 6]) -> String {
    let ratio = |v: f64| {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".to_string()
        } else {
            s.to_string()
        }
    };
    format!(
        "{} {} {} {} {} {}",
        ratio(m[0]),
        ratio(m[1]),
        ratio(m[2]),
        ratio(m[3]),
        num(m[4]),
        num(m[5])
    )
}

/// Numbers separated by spaces (an `ST_Array` or `ST_Box`).
pub fn array(values: &[f64]) -> String {
    values.iter().map(|v| num(*v)).collect::<Vec<_>>().join(" ")
}

/// A `DeltaX` list, runs of one value written `g N value` as the standard
/// allows (a line of 公文 is mostly one advance repeated).
pub fn deltas(values: &[f64]) -> String {
    let texts: Vec<String> = values.iter().map(|v| num(*v)).collect();
    let mut out = String::new();
    let mut i = 0;
    while i < texts.len() {
        let run = texts[i..].iter().take_while(|t| **t == texts[i]).count();
        if !out.is_empty() {
            out.push(' ');
        }
        if run >= 3 {
            let _ = write!(out, "g {run} {}", texts[i]);
        } else {
            out.push_str(&vec![texts[i].as_str(); run].join(" "));
        }
        i += run;
    }
    out
}

/// Text as XML character data or an attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact_to_a_thousandth() {
        assert_eq!(num(5.6), "5.6");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(210.0), "210");
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(
            matrix(&[0.8771345, 0.0, -0.0, 1.0, 28.0, 84.7281]),
            "0.877135 0 0 1 28 84.728"
        );
    }

    #[test]
    fn repeated_deltas_are_abbreviated() {
        assert_eq!(deltas(&[5.6, 5.6, 5.6, 2.8, 5.6]), "g 3 5.6 2.8 5.6");
        assert_eq!(deltas(&[1.0, 1.0]), "1 1");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
