//! A web page's lines around a reprinted 公文: its banner and byline, a
//! site's metadata table, labels and buttons, separators, editorial
//! remarks, trailing links, pinyin glosses and HTML entities. Each line
//! dropped or changed is noted with its line.

use std::sync::LazyLock;

use regex::Regex;

use super::Notes;
use super::draft::Line;
use super::repair::{DOCUMENT_KIND, ORGANISATION, is_han, labelled};

/// Lines a web page puts around a reprinted text.
fn is_banner(text: &str) -> bool {
    const MARKS: [&str; 15] = [
        "来源:",
        "来源：",
        "时间:",
        "时间：",
        "发布时间",
        "浏览次数",
        "阅读次数",
        "访问次数",
        "点击数",
        "字号：",
        "【字体",
        "欢迎来到",
        "供大家参考",
        "视力保护色",
        "组配分类",
    ];
    // A site's own labels and buttons, opening a short line: in prose
    // these words are text (`下载地址为…`).
    const LINES: [&str; 11] = [
        "下载地址：",
        "下载地址:",
        "索引号",
        "浏览量",
        "主题分类",
        "登陆注册",
        "登录注册",
        "设为首页",
        "加入收藏",
        "收藏本站",
        "今天是",
    ];
    MARKS.iter().any(|m| text.contains(m))
        || DOC_SITE_PART.is_match(text)
        || LINES
            .iter()
            .any(|m| text.trim_start().starts_with(m) && text.chars().count() <= 60)
        || text.contains("小编")
        || is_breadcrumb(text)
}

/// A site's navigation trail: `首页 > 政务公开 > 通知公告`.
fn is_breadcrumb(text: &str) -> bool {
    const STARTS: [&str; 4] = ["首页", "当前位置", "您的位置", "您现在的位置"];
    let trail =
        text.contains(" > ") || text.contains('＞') || text.contains(">>") || text.contains('»');
    (trail && !text.ends_with('。')) || STARTS.iter().any(|s| text.starts_with(s))
}

/// Lines after a reprinted text: related links, the page's address.
fn is_web_tail(text: &str) -> bool {
    const STARTS: [&str; 13] = [
        "推荐访问",
        "本文来源",
        "推荐内容",
        "相关推荐",
        "相关文章",
        "相关附件",
        "上一篇",
        "下一篇",
        "责任编辑",
        "【打印",
        "【关闭",
        "关闭窗口",
        "附件下载",
    ];
    const FILES: [&str; 7] = [".docx", ".doc", ".pdf", ".xls", ".xlsx", ".wps", ".zip"];
    STARTS.iter().any(|s| text.starts_with(s))
        || text.starts_with("http")
        || FILES.iter().any(|f| text.to_ascii_lowercase().ends_with(f))
}

/// Drops a web page's banner (everything up to its 来源/时间 line near the
/// top, and boilerplate such as 小编's introduction) and its tail (related
/// links from 推荐访问 / 本文来源 on).
pub fn drop_web_clutter(lines: &mut Vec<Line>, notes: &mut Notes) {
    let head = lines.iter().take(8).rposition(|l| is_banner(&l.text));
    if let Some(last) = head {
        // A byline under the title (`发布日期：… 来源：…`) goes alone; the
        // page's navigation above the text goes with it, the 公文's own
        // lines (mark, number, title, from the first of them on) stay.
        let mut first = lines[..last]
            .iter()
            .position(|l| is_document_line(&l.text))
            .unwrap_or(last);
        // A title broken over lines: its first lines end anywhere.
        while first > 0
            && first < last
            && !lines[first].blank_before
            && !is_banner(&lines[first - 1].text)
        {
            first -= 1;
        }
        // The page's own copy of the title, when the 公文's title follows.
        let repeated = |text: &str| {
            is_title_line(text)
                && lines[last + 1..]
                    .iter()
                    .take(3)
                    .any(|l| l.text.len() >= text.len() && l.text.ends_with(text))
        };
        let copies: Vec<bool> = lines[..last].iter().map(|l| repeated(&l.text)).collect();
        let mut k = 0;
        lines.retain(|line| {
            k += 1;
            let i = k - 1;
            if i < last && copies[i] {
                notes.add(
                    line.at,
                    "dropped a web page's copy of the title (the draft's title follows)",
                );
                return false;
            }
            if i > last || (i >= first && i < last && !is_banner(&line.text)) {
                return true;
            }
            notes.add(line.at, "dropped a web page's banner line");
            false
        });
    }
    // Boilerplate just below the banner.
    while let Some(first) = lines.first() {
        if is_banner(&first.text) {
            notes.add(first.at, "dropped a web page's banner line");
            lines.remove(0);
        } else {
            break;
        }
    }
    // A site's metadata table above the text (`索引号：…`, `发文机关：…`,
    // `标题：…`), with the stray lines around it. A 纪要's own `时间：`,
    // `地点：` lines are not a site's: two of the labels must be.
    let run = lines
        .iter()
        .take(24)
        .take_while(|l| {
            // The 公文's own 版头 line (`某发〔2024〕6号　签发人：…`) ends it.
            !l.text.contains("签发人")
                && (labelled(&l.text)
                    || is_banner(&l.text)
                    || !l.text.chars().any(is_han)
                    || l.text.contains("编辑"))
        })
        .count();
    let site_labels = lines[..run]
        .iter()
        .filter(|l| {
            SITE_LABELS
                .iter()
                .any(|s| l.text.trim_start().starts_with(s))
        })
        .count();
    if site_labels >= 2 && run < lines.len() {
        for line in &lines[..run] {
            notes.add(line.at, "dropped a web page's metadata line");
        }
        lines.drain(..run);
    }
    // An editor's remark, and a page's separators (`|`, `——`, `***`): a
    // short line of symbols only, which no 公文 sets.
    lines.retain(|line| {
        let remark = EDITOR_REMARK.is_match(&line.text);
        if remark {
            notes.add(line.at, "dropped a web page's editorial remark");
        }
        let t = line.text.trim();
        let symbols = line.cells.is_none()
            && !t.is_empty()
            && t.chars().count() <= 10
            && t.chars()
                .all(|c| !c.is_alphanumeric() && !c.is_whitespace() || c == ' ');
        if symbols && !remark {
            notes.add(
                line.at,
                "dropped a line of symbols only (a web page's separator)",
            );
        }
        !remark && !symbols
    });
    let tail_from = lines.len().saturating_sub(15);
    if let Some(at) = lines[tail_from..].iter().position(|l| is_web_tail(&l.text)) {
        for line in &lines[tail_from + at..] {
            notes.add(line.at, "dropped a web page's trailing links");
        }
        lines.truncate(tail_from + at);
    }
    // Pinyin a site set after characters (`發(fā)`): not the text's.
    for line in lines.iter_mut() {
        if line.text.contains(['(', '（']) && PINYIN_GLOSS.is_match(&line.text) {
            let plain = PINYIN_GLOSS.replace_all(&line.text, "$han").into_owned();
            notes.add(
                line.at,
                "removed pinyin glosses a web page set after characters (發(fā) → 發)",
            );
            line.text = plain;
        }
    }
    // `&nbsp;` and its kind, left by a copy from a page's source.
    for line in lines.iter_mut() {
        if line.text.contains('&') {
            let decoded = decode_entities(&line.text);
            if decoded != line.text {
                notes.add(
                    line.at,
                    "read HTML entities (&nbsp; &amp; …) as the characters they stand for",
                );
                line.text = decoded.trim().to_string();
            }
        }
    }
}

/// A 汉字 followed by its pinyin in brackets, a tone mark in it: `發(fā)`.
static PINYIN_GLOSS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<han>\p{Han})[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")
        .expect("valid pattern")
});

/// A document site's numbering of the copies on a page (`第一篇：…`).
static DOC_SITE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^第[一二三四五六七八九十0-9]{1,3}篇\s*[:：]").expect("valid pattern")
});

/// Labels of a government site's metadata table about a text.
const SITE_LABELS: [&str; 12] = [
    "索引号",
    "主题分类",
    "发文机关",
    "成文日期",
    "发布日期",
    "发文字号",
    "标题",
    "主题词",
    "文号",
    "发布机构",
    "信息分类",
    "生成日期",
];

static EDITOR_REMARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(]\s*(本文有删减|有删节|略|此处有删节)\s*[）)]$").expect("valid pattern")
});

/// A line of the 公文 itself above a web page's byline: its mark, number
/// or title.
fn is_document_line(text: &str) -> bool {
    !is_banner(text)
        && (!labelled(text) || text.contains("签发人"))
        && (DOCUMENT_KIND.is_match(text)
            || text.ends_with("文件")
            || text.trim_end_matches([')', '）']).ends_with('号')
            || ORGANISATION.is_match(text)
            || text.contains("签发人"))
}

/// A line that can be a whole title: it ends with a kind of 公文.
fn is_title_line(text: &str) -> bool {
    text.chars().count() >= 6 && DOCUMENT_KIND.is_match(text)
}

/// The HTML entities a copied page leaves: named ones a page uses for
/// text, and numeric ones.
fn decode_entities(text: &str) -> String {
    static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(nbsp|ensp|emsp|amp|lt|gt|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
            .expect("valid pattern")
    });
    ENTITY
        .replace_all(text, |c: &regex::Captures| {
            let name = &c[1];
            let named = match name {
                "nbsp" | "ensp" | "emsp" => Some(' '),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "middot" => Some('·'),
                _ => None,
            };
            let numeric = || {
                let n = name.strip_prefix("#x").map_or_else(
                    || name[1..].parse::<u32>().ok(),
                    |hex| u32::from_str_radix(hex, 16).ok(),
                )?;
                char::from_u32(n).filter(|c| !c.is_control())
            };
            named
                .or_else(numeric)
                .map_or_else(|| c[0].to_string(), |ch| ch.to_string())
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_symbols_only_are_dropped_with_a_note() {
        let text = [
            "|",
            "关于做好防汛工作的通知",
            "——",
            "各乡镇人民政府：",
            "……",
            "一、",
            "2024",
            "***",
        ];
        let mut lines: Vec<Line> = text
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                text: t.to_string(),
                at: i + 1,
                ..Line::default()
            })
            .collect();
        let mut notes = Notes::new("line");
        drop_web_clutter(&mut lines, &mut notes);
        let kept: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            kept,
            ["关于做好防汛工作的通知", "各乡镇人民政府：", "一、", "2024"]
        );
        assert_eq!(notes.lines_dropped().len(), 4);
    }

    #[test]
    fn pinyin_glosses_after_characters_are_removed() {
        let mut lines = vec![Line {
            text: "滬府發(fā)〔2017〕92號上海市人民政府印發(fā)《關(guān)於本市加強(qiáng)政務誠信》(see (a))".into(),
            at: 1,
            ..Line::default()
        }];
        let mut notes = Notes::new("line");
        drop_web_clutter(&mut lines, &mut notes);
        assert_eq!(
            lines[0].text,
            "滬府發〔2017〕92號上海市人民政府印發《關於本市加強政務誠信》(see (a))"
        );
    }
}
