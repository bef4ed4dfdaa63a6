//! What drafts carry and a 公文 may not: stray spaces between Chinese
//! characters, half-width punctuation in Chinese text, OCR's ditto mark for
//! a quotation mark (a web page's own lines are [`super::web`]'s). Each
//! repair is noted with its line. The same character repairs serve `notice
//! check --fix` on plans.

use std::sync::LazyLock;

use regex::Regex;

use super::Notes;
use super::draft::Line;

/// An organisation's name ends like one.
pub static ORGANISATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(政府|委员会|办公室|办公厅|局|委|厅|院|部|署|会|室|办|处|队|所|站|中心|公司|集团|学校|大学|法院|检察院|银行|支队|大队|党委|党组|总队)$").expect("valid pattern")
});

/// What the names of 公文 and of enclosed documents end with (7.3.2:
/// 发文机关名称 + 事由 + 文种).
pub static DOCUMENT_KIND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要|方案|办法|规定|细则|要点|计划|规划|总结|条例|规则|制度|预案|标准|名单|表|书|说明|情况)$",
    )
    .expect("valid pattern")
});

static CITED_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Han}{2,12}?)[\[(（【［]\s*(\d{4})\s*[\])）】］]\s*(\d{1,4})\s*号")
        .expect("valid pattern")
});

/// Whether a character is Chinese (a 汉字 or full-width punctuation).
pub fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}' | '\u{2018}'..='\u{201d}'
        | '\u{2014}' | '\u{2026}' | '\u{00b7}')
}

pub(super) fn is_han(c: char) -> bool {
    // The unified ideographs' blocks and the compatibility ones; a code
    // point between the supplementary blocks (a noncharacter) is not one.
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

/// Whether the `.` at `k` ends a Chinese sentence (`执行.` `执行.再次`):
/// after a 汉字 or a closing mark, before the end, a space or Chinese. Not
/// a heading's number (`一.总体要求`), a decimal, a file name or an
/// ellipsis.
pub fn is_chinese_full_stop(chars: &[char], k: usize) -> bool {
    let Some(&before) = k.checked_sub(1).and_then(|b| chars.get(b)) else {
        return false;
    };
    let after = chars.get(k + 1).copied();
    if !(is_han(before) || "”’）》」".contains(before))
        || !after.is_none_or(|a| a.is_whitespace() || is_chinese(a))
    {
        return false;
    }
    let numerals = chars[..k]
        .iter()
        .rev()
        .take_while(|c| "一二三四五六七八九十".contains(**c))
        .count();
    let start = k - numerals;
    !(numerals > 0 && (start == 0 || chars[start - 1].is_whitespace()))
}

/// A `标签：值` line (`发文机关：国务院`, a site's `信息分类：…`): a colon
/// outside 《》 and quotation marks. A title has none.
pub fn labelled(t: &str) -> bool {
    let mut depth = 0i32;
    for c in t.chars() {
        match c {
            '《' | '“' | '「' | '〈' => depth += 1,
            '》' | '”' | '」' | '〉' => depth -= 1,
            '：' | ':' if depth <= 0 => return true,
            _ => {}
        }
    }
    false
}

/// A repaired line and what was repaired.
#[derive(Debug, Default, PartialEq)]
pub struct Repaired {
    pub text: String,
    pub spaces: usize,
    pub punctuation: usize,
    pub quotes: usize,
    /// Full-width digits made Arabic numerals (`第７８６号` → `第786号`).
    pub digits: usize,
}

/// Repairs one line of Chinese text: removes spaces between Chinese
/// characters (and between them and digits), makes half-width `,` `:` `;`
/// `?` `!` and `()` beside Chinese full-width, pairs straight quotes into
/// “”, reads OCR's ditto mark `〃` before a closing ” as “, and writes
/// full-width digits as the Arabic numerals GB/T 9704 numbers with.
pub fn repair_text(text: &str) -> Repaired {
    repair_text_from(text, false).0
}

/// [`repair_text`] with a quotation opened on an earlier line of the same
/// paragraph (`open_quote`); returns whether one is still open after it.
pub fn repair_text_from(text: &str, open_quote: bool) -> (Repaired, bool) {
    let (mut out, open_after) = repair_pass(text, open_quote);
    // One repair can make another due (a quote made “ makes the space
    // before it one beside Chinese), so a changed line is repaired again
    // until it holds: `check --fix` run twice changes nothing the second
    // time. Each pass only removes or replaces, so few are needed.
    for _ in 0..4 {
        if out.text == text {
            break;
        }
        let (again, _) = repair_pass(&out.text, open_quote);
        if again.text == out.text {
            break;
        }
        out.spaces += again.spaces;
        out.punctuation += again.punctuation;
        out.quotes += again.quotes;
        out.digits += again.digits;
        out.text = again.text;
    }
    (out, open_after)
}

/// A clause's or section's number and the space after it, which the
/// standard's own layout keeps (`第一条　为…`, `1.1 编制目的`).
pub(super) static SECTION_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:第[零〇一二三四五六七八九十百千0-9]+[条章节款]|[0-9]+(?:\.[0-9]+)+)[ \u{a0}\u{3000}]+")
        .expect("valid pattern")
});

/// A 署名 of a post and a person (`住房城乡建设部部长 王蒙徽`): the space
/// between them is the standard's own (`总理　李强`).
static POST_AND_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<post>.*(?:长|主任|书记|主席|总理|委员))(?P<gap>[ \u{a0}\u{3000}]+)(?P<name>\p{Han}{2,4})\s*$")
        .expect("valid pattern")
});

/// One pass of [`repair_text_from`].
fn repair_pass(text: &str, open_quote: bool) -> (Repaired, bool) {
    if let Some(c) = POST_AND_NAME.captures(text) {
        let (mut out, open) = repair_words(&c["post"], open_quote);
        out.text = format!("{}{}{}", out.text, &c["gap"], &c["name"]);
        return (out, open);
    }
    if let Some(m) = SECTION_NUMBER.find(text)
        && m.end() < text.len()
    {
        let (mut out, open) = repair_words(&text[m.end()..], open_quote);
        out.text = format!("{}{}", m.as_str(), out.text);
        return (out, open);
    }
    repair_words(text, open_quote)
}

/// [`repair_pass`] on text that opens with no section number.
fn repair_words(text: &str, open_quote: bool) -> (Repaired, bool) {
    let mut out = Repaired::default();
    let mut open_quote = open_quote;
    if !text.chars().any(is_han) {
        out.text = text.to_string();
        return (out, open_quote);
    }
    // A cited 发文字号: `蓬安办发(2022)15号` → `蓬安办发〔2022〕15号`.
    let cited = CITED_NUMBER.replace_all(text, |c: &regex::Captures| {
        out.punctuation += 1;
        format!("{}〔{}〕{}号", &c[1], &c[2], &c[3])
    });
    // A letter-spaced line (`关 于 印 发 …`, a page's heading): every
    // space goes, whatever stands beside it.
    let tokens: Vec<&str> = cited
        .split([' ', '\u{a0}'])
        .filter(|t| !t.is_empty())
        .collect();
    let single = tokens.iter().filter(|t| t.chars().count() == 1).count();
    let cited =
        if tokens.len() >= 6 && single * 5 >= tokens.len() * 4 && !cited.contains('\u{3000}') {
            out.spaces += tokens.len() - 1;
            std::borrow::Cow::Owned(tokens.concat())
        } else {
            cited
        };
    let chars: Vec<char> = cited.chars().collect();
    let chinese_or_digit = |c: char| is_chinese(c) || c.is_ascii_digit();
    // Spaces.
    let mut kept: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' || c == '\u{3000}' || c == '\u{a0}' {
            let start = i;
            while i < chars.len() && matches!(chars[i], ' ' | '\u{3000}' | '\u{a0}') {
                i += 1;
            }
            let before = kept.last().copied();
            let after = chars.get(i).copied();
            // A space the clerk meant: after an organisation's name (joint
            // titles), or before a short name (`省长 张三`).
            // (Its last 30 characters: enough for a name, and linear in
            // a long line.)
            let prefix: String = kept
                .iter()
                .rev()
                .take(30)
                .take_while(|c| !c.is_whitespace() && !"，、：；".contains(**c))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let next_word: String = chars[i..]
                .iter()
                .take_while(|c| !c.is_whitespace() && !"，、：；。）".contains(**c))
                .collect();
            let short_name = (2..=3).contains(&next_word.chars().count())
                && next_word.chars().all(is_han)
                && prefix.chars().count() <= 8
                && prefix.chars().all(is_han);
            let meant = ORGANISATION.is_match(&prefix) || short_name;
            let between_chinese = !meant
                && match (before, after) {
                    (Some(b), Some(a)) => {
                        (is_chinese(b) && chinese_or_digit(a)) || (chinese_or_digit(b) && is_chinese(a))
                        // `1. 深入`: a heading number and its text.
                        || (b == '.' && is_chinese(a))
                    }
                    _ => false,
                };
            if between_chinese && chars[start..i].iter().all(|&s| s != '\u{3000}') {
                out.spaces += 1;
            } else {
                kept.extend_from_slice(&chars[start..i]);
            }
            continue;
        }
        kept.push(c);
        i += 1;
    }
    // Punctuation beside Chinese.
    let n = kept.len();
    let near_chinese =
        |k: usize| (k > 0 && is_chinese(kept[k - 1])) || (k + 1 < n && is_chinese(kept[k + 1]));
    let mut result = String::with_capacity(text.len());
    // Whether each open `(` was made full-width.
    let mut parens: Vec<bool> = Vec::new();
    for k in 0..n {
        let c = kept[k];
        let replaced = match c {
            ',' if near_chinese(k) => Some('，'),
            ':' if near_chinese(k)
                && !(k > 0
                    && kept[k - 1].is_ascii_digit()
                    && k + 1 < n
                    && kept[k + 1].is_ascii_digit()) =>
            {
                Some('：')
            }
            ';' if near_chinese(k) => Some('；'),
            '.' if is_chinese_full_stop(&kept, k) => Some('。'),
            '?' if near_chinese(k) => Some('？'),
            '!' if near_chinese(k) => Some('！'),
            '(' => {
                let chinese = paren_has_chinese(&kept[k..]);
                parens.push(chinese);
                chinese.then_some('（')
            }
            ')' => parens.pop().unwrap_or(false).then_some('）'),
            '"' => {
                out.quotes += 1;
                open_quote = !open_quote;
                result.push(if open_quote { '“' } else { '”' });
                continue;
            }
            '“' => {
                open_quote = true;
                None
            }
            '”' => {
                open_quote = false;
                None
            }
            '〃' if kept[k + 1..]
                .iter()
                .take(12)
                .position(|&x| x == '”')
                .is_some_and(|p| !kept[k + 1..k + 1 + p].contains(&'“')) =>
            {
                out.quotes += 1;
                open_quote = true;
                result.push('“');
                continue;
            }
            '０'..='９' => {
                out.digits += 1;
                result.push(char::from(b'0' + (c as u32 - '０' as u32) as u8));
                continue;
            }
            _ => None,
        };
        match replaced {
            Some(r) => {
                out.punctuation += 1;
                result.push(r);
            }
            None => result.push(c),
        }
    }
    out.text = result;
    (out, open_quote)
}

/// A `(` whose group holds Chinese (`(以下简称“五进”)`), not `(a)` or `(2)`.
fn paren_has_chinese(from: &[char]) -> bool {
    let Some(close) = from.iter().take(200).position(|&c| c == ')') else {
        return false;
    };
    from[1..close].iter().any(|&c| is_han(c))
}

/// Repairs every line's text (and table cells), noting each kind of repair
/// with its lines.
pub fn repair_lines(lines: &mut [Line], notes: &mut Notes) {
    let mut open = false;
    for line in lines.iter_mut() {
        let mut note = |r: &Repaired, at: usize| {
            if r.spaces > 0 {
                notes.add(at, "removed spaces between Chinese characters");
            }
            if r.punctuation > 0 {
                notes.add(at, "made half-width punctuation beside Chinese full-width (, : ; ( ) → ，：；（）; a cited 发文字号's brackets → 〔〕)");
            }
            if r.quotes > 0 {
                notes.add(at, "made straight or OCR-damaged quotation marks into “ ”");
            }
            if r.digits > 0 {
                notes.add(
                    at,
                    "wrote full-width digits as Arabic numerals (７８６ → 786)",
                );
            }
        };
        if let Some(cells) = &mut line.cells {
            for cell in cells.iter_mut() {
                let r = repair_text(cell);
                note(&r, line.at);
                *cell = r.text;
            }
            line.text = cells.join("\t");
        } else {
            // A quotation may open on one wrapped line and close on the next.
            let (r, still_open) = repair_text_from(&line.text, open);
            open = still_open && !line.text.ends_with(['。', '！', '？']);
            note(&r, line.at);
            line.text = r.text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_go_latin_spaces_stay() {
        assert_eq!(
            repair_text("永和镇 2020 年应急管理 宣传").text,
            "永和镇2020年应急管理宣传"
        );
        assert_eq!(repair_text("1. 深入学习").text, "1.深入学习");
        assert_eq!(repair_text("思想 and 总书记").text, "思想 and 总书记");
        // Ideographic spaces between names are the clerk's.
        assert_eq!(repair_text("签发人：张三　李四").text, "签发人：张三　李四");
    }

    #[test]
    fn the_space_between_a_post_and_a_name_stays() {
        for line in ["住房城乡建设部部长 王蒙徽", "总理　李强", "县长 张三"] {
            assert_eq!(repair_text(line).text, line);
        }
    }

    #[test]
    fn the_space_after_a_clause_or_section_number_stays() {
        for (line, kept) in [
            (
                "第一条 为规范管理，制定本办法。",
                "第一条 为规范管理，制定本办法。",
            ),
            ("第三章　总 则", "第三章　总则"),
            ("1.1 编制目的", "1.1 编制目的"),
            ("2.3 应急指挥 机构职责", "2.3 应急指挥机构职责"),
        ] {
            assert_eq!(repair_text(line).text, kept);
        }
    }

    #[test]
    fn full_width_digits_become_arabic_numerals() {
        let r = repair_text("国务院令第７８６号，２０２４年");
        assert_eq!(r.text, "国务院令第786号，2024年");
        assert_eq!(r.digits, 7);
        assert_eq!(
            repair_text("７８６").text,
            "７８６",
            "no Chinese: left alone"
        );
    }

    #[test]
    fn half_width_punctuation_beside_chinese() {
        let r = repair_text("进家庭(以下简称\"五进\")工作,充分整合;附件:1.表");
        assert_eq!(r.text, "进家庭（以下简称“五进”）工作，充分整合；附件：1.表");
        assert_eq!(repair_text("时间 8:30 开会").text, "时间8:30开会");
        assert_eq!(
            repair_text("推进消地安全宣传〃五进”工作方案").text,
            "推进消地安全宣传“五进”工作方案"
        );
        assert_eq!(repair_text("see (a), b").text, "see (a), b");
        assert_eq!(
            repair_text("对照(蓬安办发(2022)15号)要求").text,
            "对照（蓬安办发〔2022〕15号）要求"
        );
    }

    #[test]
    fn a_full_stop_after_chinese_is_the_full_width_mark() {
        for (from, to) in [
            ("请遵照执行.", "请遵照执行。"),
            ("执行.再次强调", "执行。再次强调"),
            ("见《方案》.", "见《方案》。"),
            // Not a heading's number, a decimal, a file name or an ellipsis.
            ("一.总体要求", "一.总体要求"),
            ("增长3.5个百分点", "增长3.5个百分点"),
            ("附件.docx", "附件.docx"),
            ("等等...", "等等..."),
            ("第1.2条", "第1.2条"),
        ] {
            assert_eq!(repair_text(from).text, to, "{from}");
        }
    }
}
