//! The modules' dependencies run one way (ARCHITECTURE.md): each
//! top-level module of `src/` names (`crate::…`) only modules of the
//! layers below its own. A change that calls up against the data flow
//! fails here, naming the file and the edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first. A module may use the modules of the layers below it.
const LAYERS: &[&[&str]] = &[
    &["gbt9704", "limits", "diagnostic"],
    &["files", "model"],
    &["output", "plan"],
    &["compose"],
    &["import", "typeset"],
    &["lint", "writers"],
    &["driver"],
    &["serve"],
    &["cli"],
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn named(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the first name of each item.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        out.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

#[test]
fn modules_depend_only_on_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layer: BTreeMap<&str, usize> = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(i, names)| names.iter().map(move |n| (*n, i)))
        .collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    let mut modules = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&own) = layer.get(module.as_str()) else {
            panic!(
                "src/{} is in no layer of this test: add `{module}` to LAYERS",
                rel.display()
            );
        };
        modules.insert(module.clone());
        let text = std::fs::read_to_string(file).unwrap();
        for used in named(&text) {
            if used == module {
                continue;
            }
            match layer.get(used.as_str()) {
                Some(&theirs) if theirs < own => {}
                Some(_) => upward.push(format!("src/{}: {module} → {used}", rel.display())),
                None => panic!("src/{} names crate::{used}, in no layer", rel.display()),
            }
        }
    }
    assert!(modules.len() >= 14, "{modules:?}");
    assert!(
        upward.is_empty(),
        "modules that call up or across against the data flow:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_reader_of_uses_sees_groups_and_paths() {
    let text =
        "use crate::{plan, typeset::fonts::{A, B}, files};\nlet x = crate::gbt9704::GEOMETRY;";
    let names: Vec<String> = named(text).into_iter().collect();
    assert_eq!(names, ["files", "gbt9704", "plan", "typeset"]);
}
