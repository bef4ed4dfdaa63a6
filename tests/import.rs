//! `notice import`: drafts into plans. The main test is the round trip:
//! every example and test plan, built, its text twin imported and built
//! again, gives the same twin word for word and the same document model
//! level for level. The corpus's two real texts, and Word versions of them
//! made with LibreOffice (tests/fixtures/README.md), are imported and
//! checked element by element.

mod support;

use std::path::Path;

use notice::diagnostic::SourceMap;
use serde_json::Value;
use support::*;

/// The document model of a plan as JSON, with what a text draft cannot
/// carry set aside: inline styles (a run's face), seals, a table's column
/// alignment and orientation (a table that fits upright is imported
/// upright, with the layout that follows from it).
fn model(plan: &Path) -> Value {
    let mut sources = SourceMap::new();
    let loaded = notice::plan::load(plan, &mut sources).unwrap();
    let composed = notice::compose::compose(
        &loaded,
        &notice::compose::Settings::default(),
        &mut sources,
        &mut Vec::new(),
    )
    .unwrap_or_else(|f| panic!("{}: {f}", plan.display()));
    let mut json = serde_json::to_value(&composed.document).unwrap();
    normalise(&mut json);
    json
}

fn normalise(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in [
                "sealed",
                "seals",
                "align",
                "whole",
                "duplex",
                "landscape",
                "layout",
            ] {
                map.remove(key);
            }
            for v in map.values_mut() {
                normalise(v);
            }
        }
        Value::Array(items) => {
            // Runs of one paragraph: their words only.
            let runs = !items.is_empty()
                && items
                    .iter()
                    .all(|i| i.get("text").is_some() && i.get("style").is_some());
            if runs {
                let text: String = items
                    .iter()
                    .map(|i| i["text"].as_str().unwrap_or(""))
                    .collect();
                *value = Value::String(text);
            } else {
                for v in items {
                    normalise(v);
                }
            }
        }
        _ => {}
    }
}

/// The first place two JSON values differ.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (p, q) = (
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(p, q, &format!("{path}.{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(p, q, &format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: {} items, then {}", x.len(), y.len()))
        }
        _ => (a != b).then(|| format!("{path}: {a} then {b}")),
    }
}

#[test]
fn every_plan_survives_build_twin_import_build() {
    let mut failures = Vec::new();
    for plan in all_plans() {
        let name = format!(
            "round-{}",
            plan.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
        );
        let dir = scratch(&name);
        copy_dir(plan.parent().unwrap(), &dir.join("source"));
        let source = dir.join("source").join(plan.file_name().unwrap());
        let first = build_plan(&source);
        let draft = dir.join("draft.txt");
        std::fs::write(&draft, &first.text).unwrap();
        import(&draft, &dir.join("imported"));
        let again = build_plan(&dir.join("imported/plan.toml"));
        if again.text != first.text {
            failures.push(format!(
                "{}: the twins differ:\n--- first ---\n{}\n--- again ---\n{}",
                plan.display(),
                first.text,
                again.text
            ));
            continue;
        }
        let (a, mut b) = (model(&source), model(&dir.join("imported/plan.toml")));
        // A plan without an issuer is read back with its 署名 as the
        // issuer, and `mark = ""` keeps the page the same: only the PDF's
        // author gains it.
        let author = |m: &Value| m["metadata"]["author"].as_str().unwrap_or("").to_string();
        if author(&a).is_empty() && !author(&b).is_empty() {
            let imported = std::fs::read_to_string(dir.join("imported/plan.toml")).unwrap();
            assert!(
                imported.contains("mark = \"\"")
                    && imported.contains(&format!("\"{}\"", author(&b))),
                "{}: an issuer was read, yet not from the 署名 with `mark = \"\"`:\n{imported}",
                plan.display()
            );
            b["metadata"]["author"] = a["metadata"]["author"].clone();
        }
        if let Some(d) = first_difference(&a, &b, "document") {
            failures.push(format!("{}: the models differ at {d}", plan.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Levenshtein similarity of two texts' words (0..=1).
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (String, String) = (folded_words(a), folded_words(b));
    strsim::normalized_levenshtein(&a, &b)
}

fn corpus(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/corpus").join(name)).unwrap()
}

/// The yonghe notice as its plan carries it, checked element by element.
fn assert_yonghe(dir: &Path, built: &Built) {
    let plan = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    for key in [
        "number = \"晋永政文〔2020〕60号\"",
        "title = \"永和镇人民政府关于印发2020年应急管理宣传教育培训工作要点的通知\"",
        "to = \"各村、各工作点、镇有关单位\"",
        "signature = \"晋江市永和镇人民政府\"",
        "date = 2020-06-01",
        "cc = \"镇党委、人大、政府领导班子成员\"",
        "printed_by = \"永和镇党政办公室\"",
        "title = \"永和镇2020年应急管理宣传教育培训工作要点\"\nlabel = \"\"\nlisted = false",
        "title = \"2020年永和镇安全生产宣传教育培训重点工作计划表\"\ncsv = \"attachment-2.csv\"",
    ] {
        assert!(plan.contains(key), "{key:?} missing from:\n{plan}");
    }
    let enclosed = std::fs::read_to_string(dir.join("attachment-1.md")).unwrap();
    for heading in [
        "# 一、深入学习宣传贯彻",
        "# 五、健全机制强化整体培训力度",
        "### 1.深入学习贯彻习近平总书记",
        "### 4.做好全镇各领域安全隐患大排查大整治工作宣传和氛围营造工作。\n\n宣传我镇及时部署全市各领域安全隐患大排查大整治工作的背景",
    ] {
        assert!(
            enclosed.contains(heading),
            "{heading:?} missing from:\n{enclosed}"
        );
    }
    let table = std::fs::read_to_string(dir.join("attachment-2.csv")).unwrap();
    assert_eq!(table.lines().count(), 9, "{table}");
    assert!(
        table.starts_with("序号,工作内容,时间安排,对象,形式\n"),
        "{table}"
    );
    let s = similarity(&corpus("yonghe-2020-notice.txt"), &built.text);
    assert!(s >= 0.98, "similarity {s}");
}

#[test]
fn the_yonghe_notice_from_text() {
    let dir = scratch("import-yonghe-txt");
    std::fs::write(dir.join("yonghe.txt"), corpus("yonghe-2020-notice.txt")).unwrap();
    let notes = import(&dir.join("yonghe.txt"), &dir.join("plan"));
    // Repairs are noted with their lines: `永和镇 2020 年` is line 5.
    assert!(
        notes.contains("line 5") || notes.contains("lines 5,"),
        "{notes}"
    );
    assert!(
        notes.contains("removed spaces between Chinese characters"),
        "{notes}"
    );
    assert!(
        notes.contains("joined lines a hard wrap had broken"),
        "{notes}"
    );
    let built = build_plan(&dir.join("plan/plan.toml"));
    assert_yonghe(&dir.join("plan"), &built);
}

#[test]
fn the_yonghe_notice_from_word() {
    let dir = scratch("import-yonghe-docx");
    std::fs::copy(
        repo().join("tests/fixtures/yonghe.docx"),
        dir.join("yonghe.docx"),
    )
    .unwrap();
    import(&dir.join("yonghe.docx"), &dir.join("plan"));
    let built = build_plan(&dir.join("plan/plan.toml"));
    assert_yonghe(&dir.join("plan"), &built);
    // Word's automatic numbering (`1.` lists) is text to keep.
    let xml = docx_part(
        &repo().join("tests/fixtures/yonghe.docx"),
        "word/document.xml",
    );
    assert!(
        xml.contains("<w:numPr>"),
        "the fixture uses automatic numbering"
    );
    assert!(
        !xml.contains(">1.深入学习"),
        "the fixture's numbers are Word's, not typed"
    );
}

/// The 五进 plan reprinted on a web page: banner and links dropped,
/// repeated title, wrapped lines, half-width punctuation, OCR's `(-)` and
/// `〃`, a first heading without its number.
fn assert_five_into(dir: &Path, built: &Built) {
    let plan = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    assert!(
        plan.contains("title = \"推进消地安全宣传“五进”工作方案\""),
        "{plan}"
    );
    let body = std::fs::read_to_string(dir.join("body.md")).unwrap();
    let headings: Vec<&str> = body.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headings.iter().filter(|h| h.starts_with("# ")).count(),
        4,
        "{headings:#?}"
    );
    assert_eq!(
        headings.iter().filter(|h| h.starts_with("## ")).count(),
        15,
        "{headings:#?}"
    );
    for h in [
        "# 一、充实安全宣传“五进”力量",
        "## （一）整合部门资源。",
        "## （二）整合信息发布平台。",
        "## （二）制作新媒体产品。",
        "# 四、完善要素保障，高位推动消地安全宣传“五进”工作",
    ] {
        assert!(headings.contains(&h), "{h} missing from {headings:#?}");
    }
    // Wrapped lines joined: the paragraph of （三） is one paragraph.
    assert!(body.contains("各乡镇（街道）、园区要充分发挥网格员、护林员、地灾监测员、水灾监测员、在家党团员、民兵、公益岗位人员等力量"), "{body}");
    assert!(!body.contains("欢迎") && !body.contains("推荐访问") && !body.contains("小编"));
    assert!(body.contains("蓬安办发〔2022〕15号"));
    assert!(!body.contains(','), "half-width commas left");
    // The words are the source's, from its title to its last line.
    let source = corpus("five-into-plan-2023.txt");
    let start = source.find("  推进消地安全宣传〃五进”工作方案").unwrap();
    let end = source.find("推荐访问").unwrap();
    let s = similarity(&source[start..end], &built.text);
    assert!(s >= 0.98, "similarity {s}");
}

#[test]
fn the_web_reprinted_plan_from_text() {
    let dir = scratch("import-five-txt");
    std::fs::write(dir.join("five.txt"), corpus("five-into-plan-2023.txt")).unwrap();
    let notes = import(&dir.join("five.txt"), &dir.join("plan"));
    for note in [
        "dropped a web page's banner line",
        "dropped a web page's trailing links",
        "dropped a repeated title line",
        "read the damaged number “(-)” as “（二）”",
        "its “一、” lost",
        "made half-width punctuation beside Chinese full-width",
    ] {
        assert!(notes.contains(note), "{note} missing from:\n{notes}");
    }
    let built = build_plan(&dir.join("plan/plan.toml"));
    assert_five_into(&dir.join("plan"), &built);
}

#[test]
fn the_web_reprinted_plan_from_word() {
    let dir = scratch("import-five-docx");
    std::fs::copy(
        repo().join("tests/fixtures/five-into.docx"),
        dir.join("five.docx"),
    )
    .unwrap();
    import(&dir.join("five.docx"), &dir.join("plan"));
    let built = build_plan(&dir.join("plan/plan.toml"));
    assert_five_into(&dir.join("plan"), &built);
}

#[test]
fn build_takes_a_word_draft_directly() {
    let dir = scratch("import-build-docx");
    std::fs::copy(
        repo().join("tests/fixtures/yonghe.docx"),
        dir.join("通知.docx"),
    )
    .unwrap();
    let out = notice(&[
        "build",
        "--no-system-fonts",
        dir.join("通知.docx").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("通知.txt")).unwrap();
    assert!(dir.join("通知.pdf").exists());
    assert!(text.contains("晋永政文〔2020〕60号"));
    // Nothing else is written: the import happened in memory.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["通知.docx", "通知.pdf", "通知.txt"]);
}

#[test]
fn import_never_overwrites_without_force() {
    let dir = scratch("import-force");
    std::fs::write(
        dir.join("draft.txt"),
        "关于测试的通知\n\n各单位：\n\n　　测试正文。\n",
    )
    .unwrap();
    let draft = dir.join("draft.txt");
    // The default folder is named after the draft, beside it.
    let first = notice(&["import", draft.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let plan = dir.join("draft/plan.toml");
    std::fs::write(&plan, "# my edits\n").unwrap();
    let again = notice(&["import", draft.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), "# my edits\n");
    let forced = notice(&["import", draft.to_str().unwrap(), "--force"]);
    assert!(forced.status.success());
    assert!(
        std::fs::read_to_string(&plan)
            .unwrap()
            .contains("title = \"关于测试的通知\"")
    );
}

#[test]
fn gbk_text_is_read_and_noted() {
    let dir = scratch("import-gbk");
    let text = "关于做好防汛工作的通知\r\n\r\n各乡镇人民政府：\r\n\r\n　　请做好防汛工作。\r\n\r\n某某县人民政府\r\n二〇二四年五月八日\r\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(dir.join("gbk.txt"), &bytes).unwrap();
    let notes = import(&dir.join("gbk.txt"), &dir.join("plan"));
    assert!(notes.contains("read as GB18030"), "{notes}");
    assert!(
        notes.contains("line 8"),
        "the Chinese-numeral date is noted: {notes}"
    );
    let plan = std::fs::read_to_string(dir.join("plan/plan.toml")).unwrap();
    for key in [
        "title = \"关于做好防汛工作的通知\"",
        "to = \"各乡镇人民政府\"",
        // No mark: the 署名 is the issuer, signs by default, and the plan
        // prints no 版头 the draft did not have.
        "issuer = \"某某县人民政府\"",
        "mark = \"\"",
        "date = 2024-05-08",
    ] {
        assert!(plan.contains(key), "{key} missing:\n{plan}");
    }
    assert!(!plan.contains("signature"), "{plan}");
}

#[test]
fn a_title_broken_over_two_lines_and_markdown_in_the_words() {
    let dir = scratch("import-title");
    std::fs::write(
        dir.join("draft.txt"),
        "某某县人民政府文件\n\n某政发[2024]008号\n\n关于印发某某县安全生产\n\n专项整治三年行动实施方案的通知\n\n各乡镇人民政府:\n\n　　现将方案印发给你们，星号*、井号#与{{ name }}照印。\n\n　　（一）加强组织领导。各乡镇要成立领导小组。\n\n某某县人民政府\n2024年5月8日\n",
    )
    .unwrap();
    let notes = import(&dir.join("draft.txt"), &dir.join("plan"));
    assert!(
        notes.contains("joined a title broken over lines"),
        "{notes}"
    );
    assert!(notes.contains("某政发〔2024〕8号"), "{notes}");
    let plan = std::fs::read_to_string(dir.join("plan/plan.toml")).unwrap();
    assert!(
        plan.contains("title = \"关于印发某某县安全生产专项整治三年行动实施方案的通知\""),
        "{plan}"
    );
    assert!(plan.contains("number = \"某政发〔2024〕8号\""), "{plan}");
    assert!(
        plan.contains("issuer = \"某某县人民政府\"") && !plan.contains("mark ="),
        "{plan}"
    );
    let built = build_plan(&dir.join("plan/plan.toml"));
    assert!(
        built.text.contains("星号*、井号#与{{ name }}照印。"),
        "{}",
        built.text
    );
    assert!(
        built
            .text
            .contains("　　（一）加强组织领导。各乡镇要成立领导小组。"),
        "{}",
        built.text
    );
    let body = std::fs::read_to_string(dir.join("plan/body.md")).unwrap();
    assert!(
        body.contains("## （一）加强组织领导。\n\n各乡镇要成立领导小组。"),
        "{body}"
    );
}

#[test]
fn bad_drafts_are_refused_with_their_place() {
    let dir = scratch("import-bad");
    std::fs::write(
        dir.join("bad.txt"),
        b"\xe5\x85\xb3\xe4\xba\x8e\n\x81\x30\xff\xff",
    )
    .unwrap();
    let out = notice(&["import", dir.join("bad.txt").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.txt:2:1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("bad.docx"), b"PK\x03\x04 not a zip").unwrap();
    let out = notice(&["import", dir.join("bad.docx").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Word file"));
    assert!(
        !dir.join("bad").exists(),
        "nothing is written for a bad draft"
    );
}

#[test]
fn check_fix_makes_the_same_safe_repairs_in_plans() {
    let dir = scratch("check-fix");
    let plan = "# The clerk's comment stays.\nissuer = \"某某县应急管理局\"\nnumber = \"某应急[2024]第03号\"\ntitle = \"关于做好 2024年汛期安全工作的通知\"\nto = [\"各乡镇(街道)\", \"县直有关部门\"]\nbody_file = \"body.md\"\ndate = 2024-05-08\n\n[[attachments]]\ntitle = \"责任人名单(样表)\"\nbody = \"\"\"\n# 一. 名单\n\"\"\"\n";
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    std::fs::write(
        dir.join("body.md"),
        "为做好汛期安全工作,现通知如下:\n\n# 一. 加强组织领导\n\n明确\"一把手\"负总责。\n",
    )
    .unwrap();
    let out = notice(&["check", "--fix", dir.join("plan.toml").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for fix in [
        "plan.toml:3: number: wrote the 发文字号 as 某应急〔2024〕3号",
        "plan.toml:4: title: removed spaces between Chinese characters",
        "plan.toml:5: to: made half-width punctuation beside Chinese full-width",
        "plan.toml:10: title: made half-width punctuation",
        "plan.toml:12: wrote the heading number “一.” as “一、”",
        "body.md:1: made half-width punctuation beside Chinese full-width",
        "body.md:3: wrote the heading number “一.” as “一、”",
        "body.md:5: made straight quotation marks into “ ”",
    ] {
        assert!(stderr.contains(fix), "{fix:?} not listed:\n{stderr}");
    }
    assert!(
        out.status.success(),
        "the fixed plan checks clean:\n{stderr}"
    );
    let fixed = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    assert!(
        fixed.starts_with("# The clerk's comment stays.\n"),
        "{fixed}"
    );
    assert!(fixed.contains("number = \"某应急〔2024〕3号\""), "{fixed}");
    assert!(
        fixed.contains("title = \"关于做好2024年汛期安全工作的通知\""),
        "{fixed}"
    );
    assert!(
        fixed.contains("body = \"\"\"\n# 一、名单\n\"\"\""),
        "{fixed}"
    );
    let body = std::fs::read_to_string(dir.join("body.md")).unwrap();
    assert_eq!(
        body,
        "为做好汛期安全工作，现通知如下：\n\n# 一、加强组织领导\n\n明确“一把手”负总责。\n"
    );
    // Nothing left: a second run changes nothing.
    let again = notice(&["check", "--fix", dir.join("plan.toml").to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed"));
}

/// Drafts written for an audit of import (tests/fixtures/drafts: notices a
/// clerk would hand over, not from the corpus): each element lands in its
/// key, and the built twin keeps the draft's words.
#[test]
fn audit_drafts_land_in_their_keys() {
    let cases: &[(&str, &[&str])] = &[
        (
            "d01-qingshi.txt",
            &[
                "copy_number = \"000125\"",
                "secrecy = \"机密\"",
                "secrecy_period = \"6个月\"",
                "urgency = \"加急\"",
                "signers = [\"周卫东\"]",
                "to = \"南江县人民政府\"",
                "note = \"联系人：刘晓燕，联系电话：0827-8821356\"",
                "title = \"南江县农村公路危桥改造资金测算表\"\ncsv = \"attachment-2.csv\"",
            ],
        ),
        (
            "d03-jiyao.txt",
            &[
                "format = \"minutes\"",
                "number = \"〔2024〕12号\"",
                "title = \"县政府第35次常务会议纪要\"",
                "signature = \"南江县人民政府办公室\"",
                "date = 2024-06-20",
                "attendees = \"王建平　李红梅　张国强　陈志勇　赵丽娟　孙卫东\"",
            ],
        ),
        (
            "d04-joint.txt",
            &[
                "issuer = [\"常州市教育局\", \"常州市卫生健康委员会\"]",
                "date = 2024-08-26",
                "printed_on = 2024-08-27",
            ],
        ),
        (
            "d05-yinfa.txt",
            &[
                "title = \"南江县人民政府办公室关于印发《南江县2024年城乡环境综合整治工作方案》的通知\"",
                "to = \"各乡镇人民政府，县级各部门\"",
                "label = \"\"\nlisted = false",
            ],
        ),
        (
            "d06-web.txt",
            &[
                "title = \"宁化县安全生产委员会办公室关于开展2024年“安全生产月”活动的通知\"",
                // Read from the title; the 署名 is the same and signs by default.
                "issuer = \"宁化县安全生产委员会办公室\"",
                "mark = \"\"",
            ],
        ),
        (
            "d08-gb18030.txt",
            &[
                "issuer = \"宁化县人民政府\"",
                "date = 2024-05-08",
                "note = \"此件公开发布\"",
            ],
        ),
        (
            "d09-markdown.md",
            &[
                "number = \"天政办发〔2024〕42号\"",
                "to = \"各街道办事处、区各有关部门\"",
            ],
        ),
        (
            "d12-yinfa-docx.docx",
            &[
                "number = \"南府办发〔2024〕19号\"",
                "label = \"\"\nlisted = false",
            ],
        ),
        (
            "p10-joint-sig.txt",
            &["issuer = [\"常州市教育局\", \"常州市卫生健康委员会\"]"],
        ),
    ];
    let dir = scratch("audit-drafts");
    for (name, keys) in cases {
        let draft = repo().join("tests/fixtures/drafts").join(name);
        let out = dir.join(name.replace('.', "-"));
        import(&draft, &out);
        let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
        for key in *keys {
            assert!(plan.contains(key), "{name}: {key:?} missing from:\n{plan}");
        }
        let built = build_plan(&out.join("plan.toml"));
        // (d06's web clutter is dropped; d08 is GB18030; d03's office and
        // date line moves to the 署名 and date, where GB/T 9704 puts them.)
        if name.ends_with(".txt") && !["d03", "d06", "d08"].iter().any(|p| name.starts_with(p)) {
            let source = std::fs::read_to_string(&draft).unwrap();
            let s = similarity(&source, &built.text);
            assert!(s >= 0.98, "{name}: similarity {s}\n{}", built.text);
        }
    }
    // A table whose names are padded to the column (`吴  喆`) stays a table.
    let out = dir.join("p09");
    import(
        &repo().join("tests/fixtures/drafts/p09-spaced-names.txt"),
        &out,
    );
    let body = std::fs::read_to_string(out.join("body.md")).unwrap();
    assert!(body.contains("| 吴喆 | 翠江镇人民政府副镇长 |"), "{body}");
    // A numbered line ending in 。 before a paragraph keeps its own line.
    let out = dir.join("p06");
    import(
        &repo().join("tests/fixtures/drafts/p06-heading-period.txt"),
        &out,
    );
    let built = build_plan(&out.join("plan.toml"));
    assert!(
        built
            .text
            .contains("　　二、近三年已批复的街区保护整治项目清单。\n　　请于"),
        "{}",
        built.text
    );
}

/// A 令 (命令格式): the mark names the issuer, the number is a 令号 in
/// Arabic numerals, the 署名 is the signer's title and name.
#[test]
fn an_order_from_text() {
    let dir = scratch("import-order");
    // The 令 and its number on two lines, or on one (as web copies set it).
    for (k, head) in [
        "中华人民共和国国务院令\n第７８６号",
        "中华人民共和国国务院令第７８６号",
        "中华人民共和国国务院令　第７８６号",
    ]
    .iter()
    .enumerate()
    {
        let draft = dir.join(format!("ling{k}.txt"));
        std::fs::write(
            &draft,
            format!("{head}\n\n《城市公共交通条例》已经2024年9月14日国务院第41次常务会议通过，现予公布，自2024年12月1日起施行。\n\n总理　李强\n2024年10月17日\n"),
        )
        .unwrap();
        let out = dir.join(format!("out{k}"));
        let notes = import(&draft, &out);
        assert!(
            notes.contains("Arabic numerals"),
            "the digits are noted: {notes}"
        );
        let plan = std::fs::read_to_string(out.join("plan.toml")).unwrap();
        for line in [
            "format = \"order\"",
            "issuer = \"中华人民共和国国务院\"",
            "number = \"第786号\"",
            "signature = \"总理　李强\"",
            "date = 2024-10-17",
        ] {
            assert!(plan.contains(line), "{head}: {line} in:\n{plan}");
        }
        let built = build_plan(&out.join("plan.toml"));
        let twin = &built.text;
        assert!(twin.starts_with("中华人民共和国国务院令"), "{twin}");
        assert!(
            twin.contains("第786号") && twin.contains("总理　李强"),
            "{twin}"
        );
        assert!(
            twin.lines().any(|l| l.trim() == "第786号"),
            "the 令号 on its line under the mark: {twin}"
        );
    }
}
