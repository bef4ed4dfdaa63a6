//! Reading the numbers clerks type (`一、` `（一）` `1.` `（1）`) and counting
//! the four levels; the numbers' forms are the standard's (`gbt9704`).

/// The value of a Chinese numeral such as `十二` or `二十`, if it is one.
pub fn parse_chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', d] => Some(10 * digit(*t)? + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// A number a clerk typed at the start of a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplicitNumber {
    /// The level whose style the number is written in.
    pub level: u8,
    pub value: u32,
    /// Byte length of the number in the text, including a following space.
    pub len: usize,
    /// Whether it is typed in the standard's form for its level (`一、`,
    /// `（一）`, `1.`, `（1）`) rather than a variant (`一.`, `(一)`, `1．`,
    /// `2、`).
    pub canonical: bool,
}

/// Recognises a number written at the start of `text`, in any level's style
/// and the variants clerks type (`一、`/`一.`/`一．`/`一，`, `（一）`/`(一)`,
/// `1.`/`1．`/`1、`, `（1）`/`(1)`).
pub fn explicit_number(text: &str) -> Option<ExplicitNumber> {
    let open = |c: char| c == '（' || c == '(';
    let close = |c: char| c == '）' || c == ')';
    let is_cn = |c: char| "零一二三四五六七八九十".contains(c);

    let mut chars = text.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    let canonical;
    let (level, value, end) = if open(first) {
        chars.next();
        let start = chars.peek()?.0;
        let mut end = start;
        let mut last = None;
        for (i, c) in chars.by_ref() {
            if close(c) {
                last = Some(i + c.len_utf8());
                break;
            }
            end = i + c.len_utf8();
        }
        let inner = &text[start..end];
        let after = last?;
        canonical = first == '（' && text[..after].ends_with('）');
        if !inner.is_empty() && inner.chars().all(is_cn) {
            (2, parse_chinese_numeral(inner)?, after)
        } else if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
            (4, inner.parse().ok()?, after)
        } else {
            return None;
        }
    } else if is_cn(first) {
        let digits_end = text.find(|c: char| !is_cn(c))?;
        let sep = text[digits_end..].chars().next()?;
        if !matches!(sep, '、' | '.' | '．' | '，') {
            return None;
        }
        // `一，二，三` in running text is not a number: only a separator
        // followed by text is.
        canonical = sep == '、';
        (
            1,
            parse_chinese_numeral(&text[..digits_end])?,
            digits_end + sep.len_utf8(),
        )
    } else if first.is_ascii_digit() {
        let digits_end = text.find(|c: char| !c.is_ascii_digit())?;
        let rest = &text[digits_end..];
        let sep = rest.chars().next()?;
        if !matches!(sep, '.' | '．' | '、') {
            return None;
        }
        // `1.5倍` is a number, not a heading number.
        if sep == '.' && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        canonical = sep == '.';
        (
            3,
            text[..digits_end].parse().ok()?,
            digits_end + sep.len_utf8(),
        )
    } else {
        return None;
    };
    let spaces = text[end..].len() - text[end..].trim_start().len();
    Some(ExplicitNumber {
        level,
        value,
        len: end + spaces,
        canonical,
    })
}

/// Counters of the four levels. A level restarts under each new parent;
/// the running count goes on across parents (some notices number `1.` to
/// `13.` through all their `一、` sections), and a typed number may follow
/// either.
#[derive(Debug, Default, Clone)]
pub struct Counters {
    restart: [u32; 4],
    running: [u32; 4],
}

impl Counters {
    /// Counts a heading of `level` (1..=4) and returns its number.
    pub fn next(&mut self, level: u8) -> u32 {
        let value = self.peek_next(level);
        self.set(level, value);
        value
    }

    /// The number the next heading of `level` gets.
    pub fn peek_next(&self, level: u8) -> u32 {
        self.restart[level as usize - 1] + 1
    }

    /// The next number of `level` if it runs on across parents.
    pub fn peek_running(&self, level: u8) -> u32 {
        self.running[level as usize - 1] + 1
    }

    /// Sets the count of `level` (an explicit number) and restarts the
    /// levels below it.
    pub fn set(&mut self, level: u8, value: u32) {
        let i = level as usize - 1;
        self.restart[i] = value;
        self.running[i] = value;
        for deeper in &mut self.restart[i + 1..] {
            *deeper = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gbt9704::chinese_numeral;

    #[test]
    fn chinese_numerals_round_trip() {
        for n in 1..=99 {
            assert_eq!(parse_chinese_numeral(&chinese_numeral(n)), Some(n), "{n}");
        }
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(21), "二十一");
    }

    #[test]
    fn explicit_numbers_in_every_style() {
        let n =
            |s: &str| explicit_number(s).map(move |e| (e.level, e.value, s[e.len..].to_string()));
        let some = |l, v, s: &str| Some((l, v, s.to_string()));
        assert_eq!(n("一、总体要求"), some(1, 1, "总体要求"));
        assert_eq!(n("十二、其他"), some(1, 12, "其他"));
        assert_eq!(n("（三）加强"), some(2, 3, "加强"));
        assert_eq!(n("(三) 加强"), some(2, 3, "加强"));
        assert_eq!(n("5.突出"), some(3, 5, "突出"));
        assert_eq!(n("5. 突出"), some(3, 5, "突出"));
        assert_eq!(n("（2）专题"), some(4, 2, "专题"));
        assert_eq!(n("一. 检查范围"), some(1, 1, "检查范围"));
        assert!(!explicit_number("一. 检查范围").unwrap().canonical);
        assert!(!explicit_number("(三)加强").unwrap().canonical);
        assert!(!explicit_number("2、要求").unwrap().canonical);
        assert!(explicit_number("（三）加强").unwrap().canonical);
        assert_eq!(n("2020年"), None);
        assert_eq!(n("1.5倍"), None);
        assert_eq!(n("一把手"), None);
        assert_eq!(n("（以下简称）"), None);
    }

    #[test]
    fn counters_restart_under_parent() {
        let mut c = Counters::default();
        assert_eq!(c.next(1), 1);
        assert_eq!(c.next(2), 1);
        assert_eq!(c.next(2), 2);
        assert_eq!(c.next(1), 2);
        assert_eq!(c.next(2), 1);
        c.set(3, 5);
        assert_eq!(c.next(3), 6);
        c.next(1);
        assert_eq!((c.peek_next(3), c.peek_running(3)), (1, 7));
    }
}
