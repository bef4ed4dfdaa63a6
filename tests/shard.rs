//! `--shard K/N` (issue 22): three shards run as separate processes build
//! exactly what one unsharded run builds, byte for byte, in disjoint
//! parts; their JSON records add up to the unsharded report; the cache
//! works per shard; a bad K/N is a usage error.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use support::*;

/// Every file under `dir` (the cache's own record aside), by relative
/// path, with its bytes.
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().unwrap() != ".notice-cache.json" {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// The JSON records of a run, timings dropped and its output folder
/// written `OUT` (each CI runner has its own), as sorted lines.
fn records(stdout: &[u8], out_dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = String::from_utf8_lossy(stdout)
        .replace(out_dir.to_str().unwrap(), "OUT")
        .lines()
        .map(|line| {
            let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
            record.as_object_mut().unwrap().remove("ms");
            record.to_string()
        })
        .collect();
    out.sort();
    out
}

fn build(args: &[&str]) -> std::process::Output {
    let mut all = vec!["build", "--no-system-fonts", "--json", "--jobs", "1"];
    all.extend_from_slice(args);
    notice(&all)
}

/// A batch of distinct documents: every example and test plan (of every
/// format, with seals, tables, CSV attachments) and a mail merge whose
/// rows differ in length.
fn batch(dir: &Path) -> (PathBuf, PathBuf) {
    let plans = dir.join("plans");
    for plan in all_plans() {
        let folder = plan.parent().unwrap();
        copy_dir(folder, &plans.join(folder.file_name().unwrap()));
    }
    let merge = dir.join("merge");
    std::fs::create_dir_all(&merge).unwrap();
    std::fs::write(
        merge.join("plan.toml"),
        "issuer = \"某某县应急管理局\"\nnumber = \"某应急〔2024〕{{ seq }}号\"\ntitle = \"关于{{ town }}防汛检查的通知\"\nto = \"{{ town }}人民政府\"\nbody = \"{{ text }}\"\ndate = 2024-03-01\n",
    )
    .unwrap();
    let mut rows = String::from("seq,town,text\n");
    for i in 1..=24 {
        let text = "请于汛前完成隐患排查，逐项整改到位。".repeat(1 + (i * 7) % 11);
        rows.push_str(&format!("{i},第{i}镇,{text}\n"));
    }
    std::fs::write(merge.join("rows.csv"), rows).unwrap();
    (plans, merge)
}

#[test]
fn three_shards_build_what_one_run_builds_byte_for_byte() {
    let dir = scratch("shard");
    let (plans, merge) = batch(&dir);
    let plans = plans.to_str().unwrap();
    let whole_out = dir.join("whole");
    let whole = build(&[plans, "--out", whole_out.to_str().unwrap()]);
    assert!(
        whole.status.success(),
        "{}",
        String::from_utf8_lossy(&whole.stderr)
    );
    let expected = outputs(&whole_out);
    assert!(expected.len() >= 40, "{} outputs", expected.len());

    let mut union = BTreeMap::new();
    let mut shard_records = Vec::new();
    let mut sizes = Vec::new();
    for k in 1..=3 {
        let out_dir = dir.join(format!("shard{k}"));
        let shard = format!("{k}/3");
        let run = build(&[plans, "--out", out_dir.to_str().unwrap(), "--shard", &shard]);
        assert!(
            run.status.success(),
            "shard {shard}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let part = outputs(&out_dir);
        assert!(!part.is_empty(), "shard {shard} built nothing");
        sizes.push(part.values().map(Vec::len).sum::<usize>());
        for (path, bytes) in part {
            assert!(
                union.insert(path.clone(), bytes).is_none(),
                "{} is built by two shards",
                path.display()
            );
        }
        shard_records.extend(records(&run.stdout, &out_dir));
    }
    assert_eq!(
        union.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the shards' outputs are the batch's"
    );
    for (path, bytes) in &expected {
        assert!(
            union[path] == *bytes,
            "{} differs from the unsharded build",
            path.display()
        );
    }
    shard_records.sort();
    assert_eq!(
        shard_records,
        records(&whole.stdout, &whole_out),
        "the shards' JSON records are the unsharded run's"
    );
    eprintln!("output bytes per shard: {sizes:?}");

    // Mail merge: the rows split over shards too, each row once.
    let plan = merge.join("plan.toml");
    let data = merge.join("rows.csv");
    let mut names = BTreeSet::new();
    let (mut loads, mut largest) = (Vec::new(), 0);
    for k in 1..=3 {
        let out_dir = dir.join(format!("merge{k}"));
        let shard = format!("{k}/3");
        let run = build(&[
            plan.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--name",
            "通知-{{ seq }}",
            "--out",
            out_dir.to_str().unwrap(),
            "--shard",
            &shard,
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let part = outputs(&out_dir);
        let texts: Vec<usize> = part
            .iter()
            .filter(|(name, _)| name.extension().is_some_and(|e| e == "txt"))
            .map(|(_, bytes)| bytes.len())
            .collect();
        largest = largest.max(texts.iter().copied().max().unwrap_or(0));
        loads.push(texts.iter().sum::<usize>());
        for name in part.keys() {
            assert!(names.insert(name.clone()), "{} twice", name.display());
        }
    }
    assert_eq!(names.len(), 48, "24 rows, a PDF and a text each");
    // Balanced by length, not by count: rows of 1 to 11 sentences, and
    // the shards' text apart by less than the longest document's.
    let (most, least) = (loads.iter().max().unwrap(), loads.iter().min().unwrap());
    assert!(
        most - least <= largest,
        "text per shard {loads:?}, the longest document {largest}"
    );
}

#[test]
fn a_shard_skips_what_it_built_and_a_bad_shard_is_a_usage_error() {
    let dir = scratch("shard-cache");
    let (plans, _) = batch(&dir);
    let plans = plans.to_str().unwrap();
    let out_dir = dir.join("out");
    let out = out_dir.to_str().unwrap();
    let first = build(&[plans, "--out", out, "--shard", "2/3"]);
    assert!(first.status.success());
    let again = build(&[plans, "--out", out, "--shard", "2/3"]);
    let statuses: BTreeSet<String> = records(&again.stdout, &out_dir)
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(r).unwrap()["status"].to_string())
        .collect();
    assert_eq!(
        statuses,
        BTreeSet::from(["\"skipped\"".to_string()]),
        "the second run of a shard rebuilds nothing"
    );
    for bad in ["0/3", "4/3", "2", "a/b", "1/0"] {
        let run = build(&[plans, "--shard", bad]);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "--shard {bad}: {err}");
        assert!(
            err.contains("K/N"),
            "--shard {bad} says what a shard is: {err}"
        );
    }
}
