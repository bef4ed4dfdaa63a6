//! Titles: where a title may break between lines.
//!
//! GB/T 9704 asks that a title of several lines never break inside a word.
//! Chinese has no spaces, so the title is cut into words with jieba and a
//! compact word list; the template then picks balanced breaks among them.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::model::Title;

static WORDS: &str = include_str!("words.txt");

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::empty();
    jieba
        .load_dict(&mut WORDS.as_bytes())
        .expect("the embedded title word list is valid");
    // Words 公文 titles use that the general list may split.
    for word in [
        "人民政府",
        "办公室",
        "办公厅",
        "工作要点",
        "实施方案",
        "实施意见",
        "工作方案",
    ] {
        jieba.add_word(word, Some(100_000), None);
    }
    jieba
});

/// Loads the word list (a few milliseconds); call it on a spare thread
/// early, before a title is needed.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// Splits a title into the pieces a line may break between. `names` (the
/// issuers) are never broken.
pub fn title(text: &str, names: &[String]) -> Title {
    let text = text.trim().to_string();
    let mut pieces: Vec<&str> = Vec::new();
    for part in split_names(&text, names) {
        match part {
            Part::Name(name) => pieces.push(name),
            Part::Text(rest) => pieces.extend(JIEBA.cut(rest, true).into_iter().map(|t| t.word)),
        }
    }
    let mut words: Vec<String> = Vec::new();
    for word in pieces {
        let glue = match (words.last(), word.chars().next()) {
            // Keep numbers with their unit (`2020年`, `11号`) and closing
            // punctuation with the word before it.
            (Some(prev), Some(first)) => {
                (prev.chars().last().is_some_and(|c| c.is_ascii_digit())
                    && !first.is_ascii_digit()
                    && "年月日号届次个项条期批".contains(first))
                    || "，。、；：？！）》」』”’".contains(first)
                    || prev
                        .chars()
                        .last()
                        .is_some_and(|c| "（《「『“‘".contains(c))
            }
            _ => false,
        };
        match words.last_mut() {
            Some(prev) if glue => prev.push_str(word),
            _ => words.push(word.to_string()),
        }
    }
    Title { text, words }
}

enum Part<'a> {
    Name(&'a str),
    Text(&'a str),
}

/// Cuts `text` at every occurrence of a known name, longest names first.
fn split_names<'a>(text: &'a str, names: &[String]) -> Vec<Part<'a>> {
    let mut names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() > 1)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut parts = Vec::new();
    let mut rest = text;
    'outer: while !rest.is_empty() {
        // The earliest occurrence of any name (the longest at a tie).
        let found = names
            .iter()
            .filter_map(|n| rest.find(n).map(|at| (at, *n)))
            .min_by_key(|(at, n)| (*at, std::cmp::Reverse(n.len())));
        match found {
            Some((at, name)) => {
                if at > 0 {
                    parts.push(Part::Text(&rest[..at]));
                }
                parts.push(Part::Name(&rest[at..at + name.len()]));
                rest = &rest[at + name.len()..];
                continue 'outer;
            }
            None => {
                parts.push(Part::Text(rest));
                break;
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_cover_the_title_in_order() {
        let t = title(
            "永和镇人民政府关于印发2020年应急管理宣传教育培训工作要点的通知",
            &[],
        );
        assert_eq!(t.words.concat(), t.text);
        assert!(t.words.contains(&"2020年".to_string()), "{:?}", t.words);
        assert!(t.words.contains(&"人民政府".to_string()), "{:?}", t.words);
        assert!(t.words.contains(&"关于".to_string()), "{:?}", t.words);
    }

    #[test]
    fn issuer_names_are_never_broken() {
        let names = [
            "蓬溪县应急管理局".to_string(),
            "蓬溪县消防救援大队".to_string(),
        ];
        let t = title(
            "蓬溪县应急管理局 蓬溪县消防救援大队关于印发工作方案的通知",
            &names,
        );
        assert_eq!(t.words[0], "蓬溪县应急管理局");
        assert!(
            t.words.contains(&"蓬溪县消防救援大队".to_string()),
            "{:?}",
            t.words
        );
        assert_eq!(t.words.concat(), t.text);
    }

    #[test]
    fn punctuation_sticks_to_its_word() {
        let t = title("关于《安全生产法》宣传的通知", &[]);
        assert!(
            t.words.iter().any(|w| w.starts_with('《') && w.len() > 3),
            "{:?}",
            t.words
        );
        assert!(
            !t.words.iter().any(|w| w.starts_with('》')),
            "{:?}",
            t.words
        );
    }
}
