//! `--shard K/N`: the part of a batch one of N CI runners builds.
//!
//! Every shard sees the whole list of jobs (the same arguments on the same
//! checkout) and computes the same split, so the parts need no
//! coordination: they are disjoint, their union is the batch, and each job
//! is built exactly as an unsharded run builds it. Jobs are spread by
//! expected cost, the bytes of input a document is made from (its plan,
//! the body and CSV files the plan names, its mail-merge row), the
//! longest first onto the lightest shard, so one shard does not get all
//! the long documents.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::Job;
use crate::{files, limits, plan};

/// The most shards a batch may be split into.
pub const MAX_SHARDS: usize = 10_000;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad =
            || format!("`{s}` is not a shard: give K/N with 1 ≤ K ≤ N ≤ {MAX_SHARDS}, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Which shard (0-based) builds each job, in the jobs' order.
pub fn assign(jobs: &[Job], count: usize) -> Vec<usize> {
    let mut plan_costs: HashMap<&Path, u64> = HashMap::new();
    let costs: Vec<u64> = jobs
        .iter()
        .map(|job| {
            let plan = *plan_costs
                .entry(job.plan.as_path())
                .or_insert_with(|| plan_cost(&job.plan));
            let row: usize = job.row.iter().map(|(k, v)| k.len() + v.len()).sum();
            plan + row as u64
        })
        .collect();
    // Longest first; ties in the jobs' order, which is the same everywhere.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|&a, &b| costs[b].cmp(&costs[a]).then(a.cmp(&b)));
    let mut load = vec![0u64; count];
    let mut shard_of = vec![0; jobs.len()];
    for i in order {
        // The lightest shard, the first of equals.
        let lightest = (0..count).min_by_key(|&s| (load[s], s)).unwrap_or(0);
        load[lightest] += costs[i].max(1);
        shard_of[i] = lightest;
    }
    shard_of
}

/// The jobs `shard` builds, in the batch's order.
pub fn select(jobs: &[Job], shard: Shard) -> Vec<Job> {
    let shard_of = assign(jobs, shard.count);
    jobs.iter()
        .zip(shard_of)
        .filter(|(_, s)| *s == shard.index - 1)
        .map(|(job, _)| job.clone())
        .collect()
}

/// The bytes a plan's document is made from: the plan, and the body and
/// CSV files it names (as far as they can be read; a plan that does not
/// parse costs its own size, and fails in the build as it would unsharded).
fn plan_cost(path: &Path) -> u64 {
    let Ok(bytes) = files::read_input(path, limits::PLAN_BYTES) else {
        return 1;
    };
    let size = bytes.len() as u64;
    let Ok(text) = std::str::from_utf8(files::strip_bom(&bytes)) else {
        return size;
    };
    let toml = if plan::is_markdown(path) {
        match plan::front_matter(text) {
            Some((toml, _)) => &text[toml],
            None => return size,
        }
    } else {
        text
    };
    let Ok(table) = toml.parse::<toml::Table>() else {
        return size;
    };
    let folder = files::parent_dir(path);
    size + named_files(&table, &folder)
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum::<u64>()
}

/// The body and CSV files a plan names, at its top and in its attachments.
fn named_files(table: &toml::Table, folder: &Path) -> Vec<PathBuf> {
    let keys = |t: &toml::Table| -> Vec<PathBuf> {
        ["body_file", "csv"]
            .iter()
            .filter_map(|k| t.get(*k)?.as_str())
            .map(|name| folder.join(name))
            .collect()
    };
    let mut out = keys(table);
    if let Some(attachments) = table.get("attachments").and_then(|a| a.as_array()) {
        for a in attachments.iter().filter_map(|a| a.as_table()) {
            out.extend(keys(a));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, row: usize) -> Job {
        let mut job = Job::for_plan(Path::new(name), None);
        job.row.insert("text".into(), "字".repeat(row));
        job
    }

    #[test]
    fn shards_parse_and_bad_ones_say_what_a_shard_is() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", "1/10001", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("K/N"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_shards_split_every_batch_once_and_balance_its_cost() {
        // Rows of very different lengths, every third one long: a split
        // by count (every third job to a shard) would give one shard all
        // the long ones.
        let jobs: Vec<Job> = (0..96)
            .map(|i| job("missing.toml", if i % 3 == 0 { 400 } else { 1 + i % 7 }))
            .collect();
        for count in [1, 2, 3, 7] {
            let shard_of = assign(&jobs, count);
            let mut total = vec![0usize; count];
            for (job, s) in jobs.iter().zip(&shard_of) {
                assert!(*s < count);
                total[*s] += job.row["text"].len() + "text".len() + 1;
            }
            let (most, least) = (total.iter().max().unwrap(), total.iter().min().unwrap());
            // Longest first onto the lightest: apart by at most one job.
            assert!(
                most - least <= 400 * 3 + 5,
                "{count} shards: loads {total:?}"
            );
            let mut union: Vec<usize> = (1..=count)
                .flat_map(|k| {
                    let shard = Shard { index: k, count };
                    select(&jobs, shard)
                        .into_iter()
                        .map(|j| j.row["text"].len())
                        .collect::<Vec<_>>()
                })
                .collect();
            let mut all: Vec<usize> = jobs.iter().map(|j| j.row["text"].len()).collect();
            union.sort_unstable();
            all.sort_unstable();
            assert_eq!(union, all, "{count} shards");
        }
    }
}
