//! GB/T 9704-2012 《党政机关公文格式》: the one source of the standard's
//! vocabulary and numbers in Rust.
//!
//! The plan reader, the checks, the writers and the tests read these; the
//! geometry also reaches the Typst template in its data (`geometry`), so the
//! page that is laid out and the page that is measured share one set of
//! numbers.

use schemars::JsonSchema;
use serde::Serialize;

/// The four layouts of GB/T 9704 (section 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    /// 文件格式
    #[default]
    File,
    /// 信函格式
    Letter,
    /// 命令（令）格式
    Order,
    /// 纪要格式
    Minutes,
}

impl DocumentFormat {
    pub const ALL: [DocumentFormat; 4] = [
        DocumentFormat::File,
        DocumentFormat::Letter,
        DocumentFormat::Order,
        DocumentFormat::Minutes,
    ];

    /// The name a plan writes in `format = "…"`.
    pub fn name(self) -> &'static str {
        match self {
            DocumentFormat::File => "file",
            DocumentFormat::Letter => "letter",
            DocumentFormat::Order => "order",
            DocumentFormat::Minutes => "minutes",
        }
    }

    /// The standard's name of the layout.
    pub fn chinese(self) -> &'static str {
        match self {
            DocumentFormat::File => "文件格式",
            DocumentFormat::Letter => "信函格式",
            DocumentFormat::Order => "命令格式",
            DocumentFormat::Minutes => "纪要格式",
        }
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::ALL.into_iter().map(Self::name)
    }

    pub fn parse(name: &str) -> Option<DocumentFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the 发文机关标志 adds to the issuer's name when the plan gives
    /// no `mark`.
    pub fn mark_suffix(self) -> &'static str {
        match self {
            DocumentFormat::File => "文件",
            DocumentFormat::Letter => "",
            DocumentFormat::Order => "令",
            DocumentFormat::Minutes => "纪要",
        }
    }
}

/// 密级 (7.2.2).
pub const SECRECY_LEVELS: [&str; 3] = ["秘密", "机密", "绝密"];

/// 紧急程度 (7.2.3).
pub const URGENCY_LEVELS: [&str; 2] = ["特急", "加急"];

/// The font categories the standard names. Each is a *role* a face is
/// found for (see `typeset::fonts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 小标宋: title, red 发文机关标志.
    Xiaobiaosong,
    /// 仿宋: body text.
    Fangsong,
    /// 黑体: level-1 headings, 密级, 紧急程度, 附件 label.
    Heiti,
    /// 楷体: level-2 headings, 签发人 names.
    Kaiti,
    /// 宋体: page numbers.
    Songti,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Xiaobiaosong,
        Role::Fangsong,
        Role::Heiti,
        Role::Kaiti,
        Role::Songti,
    ];

    /// The Chinese name clerks know the role by.
    pub fn chinese(self) -> &'static str {
        match self {
            Role::Xiaobiaosong => "小标宋",
            Role::Fangsong => "仿宋",
            Role::Heiti => "黑体",
            Role::Kaiti => "楷体",
            Role::Songti => "宋体",
        }
    }

    /// The key of the role in the template's `fonts` dictionary.
    pub fn key(self) -> &'static str {
        match self {
            Role::Xiaobiaosong => "xiaobiaosong",
            Role::Fangsong => "fangsong",
            Role::Heiti => "heiti",
            Role::Kaiti => "kaiti",
            Role::Songti => "songti",
        }
    }

    /// The font name office machines carry for the role, as the standard's
    /// practice names it (what a DOCX asks for).
    pub fn office_font(self) -> &'static str {
        match self {
            Role::Xiaobiaosong => "方正小标宋简体",
            Role::Fangsong => "仿宋_GB2312",
            Role::Heiti => "黑体",
            Role::Kaiti => "楷体_GB2312",
            Role::Songti => "宋体",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.chinese())
    }
}

/// The four heading levels of the body (7.3.3): `一、` `（一）` `1.` `（1）`.
pub const HEADING_LEVELS: u8 = 4;

/// How a Word file marks a 命令's 签名章 picture (its alternative text,
/// then the signer's name): the DOCX writer writes it and `notice import`
/// reads the name back.
pub const SIGNATURE_SEAL_TEXT: &str = "签名章：";

/// The face of a heading level: 黑体, 楷体, then 仿宋.
pub fn heading_role(level: u8) -> Role {
    match level {
        1 => Role::Heiti,
        2 => Role::Kaiti,
        _ => Role::Fangsong,
    }
}

/// The number of heading level 1..=4 with value `n`.
pub fn heading_number(level: u8, n: u32) -> String {
    match level {
        1 => format!("{}、", chinese_numeral(n)),
        2 => format!("（{}）", chinese_numeral(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// `n` (1..=99) in Chinese numerals: 一 … 十 … 二十一 … 九十九.
pub fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 => {
            let ones = if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[(n % 10) as usize]
            };
            format!("{}十{ones}", DIGITS[(n / 10) as usize])
        }
        _ => n.to_string(),
    }
}

/// The 发文字号 (7.2.5): a prefix, the full year in 六角括号 〔〕, the
/// sequence number without 第 or leading zeros, and 号. The pattern also
/// matches the usual mistakes (`[2020]`, `（20）`, `第011号`) so a check can
/// name and fix them.
pub const DOCUMENT_NUMBER_PATTERN: &str = r"^(?P<prefix>.*?)(?P<open>[\[【(（〔［])\s*(?P<year>\d+)\s*(?P<close>[\]】)）〕］])\s*(?P<di>第)?(?P<seq>\d+)(?P<hao>号?)(?P<rest>.*)$";

/// Chinese type sizes in points (4.1).
pub mod size {
    pub const CHUHAO: f64 = 42.0;
    pub const XIAOCHU: f64 = 36.0;
    pub const YIHAO: f64 = 26.0;
    pub const ERHAO: f64 = 22.0;
    pub const XIAOER: f64 = 18.0;
    pub const SANHAO: f64 = 16.0;
    pub const XIAOSAN: f64 = 15.0;
    pub const SIHAO: f64 = 14.0;
    pub const XIAOSI: f64 = 12.0;
}

/// Points per millimetre.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// The page and its grid (5.2, 7), in millimetres unless named otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, JsonSchema)]
pub struct Geometry {
    pub paper_width: f64,
    pub paper_height: f64,
    /// 天头.
    pub margin_top: f64,
    /// 订口.
    pub margin_left: f64,
    /// 版心.
    pub body_width: f64,
    pub body_height: f64,
    pub lines_per_page: u32,
    pub chars_per_line: u32,
    /// Body text size in points (三号).
    pub text_size: f64,
    /// Top edge of the 发文机关标志 below the 版心 top (文件格式, 纪要格式).
    pub mark_top: f64,
    /// 信函格式: the issuer's top edge from the paper's top.
    pub letter_mark_top: f64,
    /// 信函格式: the red double rules' length, centred on the paper.
    pub letter_rule_length: f64,
    /// 信函格式: the lower double rule above the paper's bottom.
    pub letter_rule_bottom: f64,
    /// 命令格式: the mark's top below the 版心 top.
    pub order_mark_top: f64,
    /// The red separator under the 发文字号.
    pub separator_gap: f64,
    /// Page numbers: the dash line below the 版心's bottom.
    pub page_number_drop: f64,
    /// 版记 rules: first and last, and those between.
    pub imprint_outer_rule: f64,
    pub imprint_inner_rule: f64,
}

impl Geometry {
    /// Line pitch: 225mm / 22 lines.
    pub fn pitch(&self) -> f64 {
        self.body_height / f64::from(self.lines_per_page)
    }

    /// Character cell: 156mm / 28 characters.
    pub fn cell(&self) -> f64 {
        self.body_width / f64::from(self.chars_per_line)
    }

    pub fn body_bottom(&self) -> f64 {
        self.margin_top + self.body_height
    }

    pub fn body_right(&self) -> f64 {
        self.margin_left + self.body_width
    }

    pub fn margin_right(&self) -> f64 {
        self.paper_width - self.margin_left - self.body_width
    }

    pub fn margin_bottom(&self) -> f64 {
        self.paper_height - self.margin_top - self.body_height
    }
}

/// The geometry of GB/T 9704-2012.
pub const GEOMETRY: Geometry = Geometry {
    paper_width: 210.0,
    paper_height: 297.0,
    margin_top: 37.0,
    margin_left: 28.0,
    body_width: 156.0,
    body_height: 225.0,
    lines_per_page: 22,
    chars_per_line: 28,
    text_size: size::SANHAO,
    mark_top: 35.0,
    letter_mark_top: 30.0,
    letter_rule_length: 170.0,
    letter_rule_bottom: 20.0,
    order_mark_top: 20.0,
    separator_gap: 4.0,
    page_number_drop: 7.0,
    imprint_outer_rule: 0.35,
    imprint_inner_rule: 0.25,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_fills_the_body_area() {
        assert!((GEOMETRY.pitch() * PT_PER_MM - 28.99).abs() < 0.01);
        assert!((GEOMETRY.cell() * PT_PER_MM - 15.79).abs() < 0.01);
        assert_eq!(GEOMETRY.margin_right(), 26.0);
        assert_eq!(GEOMETRY.margin_bottom(), 35.0);
    }

    #[test]
    fn heading_numbers_of_each_level() {
        assert_eq!(heading_number(1, 12), "十二、");
        assert_eq!(heading_number(2, 3), "（三）");
        assert_eq!(heading_number(3, 5), "5.");
        assert_eq!(heading_number(4, 2), "（2）");
        assert_eq!(chinese_numeral(21), "二十一");
        assert_eq!(chinese_numeral(10), "十");
    }

    #[test]
    fn formats_parse_their_names() {
        for f in DocumentFormat::ALL {
            assert_eq!(DocumentFormat::parse(f.name()), Some(f));
        }
        assert_eq!(DocumentFormat::parse("memo"), None);
    }
}
