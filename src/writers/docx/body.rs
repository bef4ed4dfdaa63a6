//! The body in Word: headings, paragraphs (run-in headings, emphasis,
//! characters a face lacks), tables and titles, and the tighter pitch of
//! the closing's page where notice's pages ask for it (`flow`).

use docx_rs::{BreakType, Paragraph, Run};

use super::table::{table, table_height};
use super::{PITCH, Part, exact, flow, fonts, styles, text, tw};
use crate::gbt9704::{GEOMETRY, Role, heading_role};
use crate::model::{Block, Heading, Run as ModelRun, Style};
use crate::typeset::fonts::FontSet;

/// Runs of model text, a group for each: emphasis in 楷体, strong in 黑体,
/// `role` the face of a run-in heading's words (or a header cell's).
pub fn runs(model: &[ModelRun], role: Option<Role>, faces: &FontSet) -> Vec<Vec<Run>> {
    model
        .iter()
        .map(|r| {
            let role = match (r.style, role) {
                (Style::Strong, _) => Role::Heiti,
                (Style::Emphasis, _) => Role::Kaiti,
                (Style::Plain, Some(role)) => role,
                _ => Role::Fangsong,
            };
            // 仿宋 is the paragraph styles' own face: such runs name none.
            faced(&r.text, role, role != Role::Fangsong, faces)
        })
        .collect()
}

/// A paragraph with 仿宋 text added (its style's face), any character
/// 仿宋 lacks in 宋体 ([`faced`]).
pub fn add_text(mut p: Paragraph, s: &str, faces: &FontSet) -> Paragraph {
    for run in faced(s, Role::Fangsong, false, faces) {
        p = p.add_run(run);
    }
    p
}

/// Text in a role's face, as runs: characters the face lacks are set in
/// 宋体, the face the PDF falls back to, rather than left to each
/// reader's own fallback. `named`: the other runs name the role's face
/// (otherwise the paragraph's style gives it).
pub fn faced(s: &str, role: Role, named: bool, faces: &FontSet) -> Vec<Run> {
    let falls_back = |c: char| {
        !c.is_ascii() && !faces.role_covers(role, c) && faces.role_covers(Role::Songti, c)
    };
    let run = |piece: &str, fallback: bool| match (fallback, named) {
        (true, _) => text(piece).fonts(fonts(Role::Songti)),
        (false, true) => text(piece).fonts(fonts(role)),
        (false, false) => text(piece),
    };
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut fallback = false;
    for c in s.chars() {
        if falls_back(c) != fallback && !piece.is_empty() {
            out.push(run(&piece, fallback));
            piece.clear();
        }
        fallback = falls_back(c);
        piece.push(c);
    }
    if !piece.is_empty() || out.is_empty() {
        out.push(run(&piece, fallback));
    }
    out
}

/// A title's lines, as notice broke them, in one paragraph.
pub fn title_paragraphs(lines: &[String], parts: &mut Vec<Part>, faces: &FontSet) {
    let mut p = Paragraph::new().style(styles::TITLE);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for run in faced(line, Role::Xiaobiaosong, false, faces) {
            p = p.add_run(run);
        }
    }
    parts.push(Part::par(p));
}

/// Adds the blocks' paragraphs and tables, those from `tight.from` on
/// set tighter.
/// `plan`: the body's, from notice's pages (none for an attachment's);
/// `table_ends` runs on through the attachments.
pub fn blocks(
    blocks: &[Block],
    parts: &mut Vec<Part>,
    landscape: bool,
    plan: Option<&flow::Plan>,
    table_ends: &mut impl Iterator<Item = Option<f64>>,
    faces: &FontSet,
) {
    let tight = plan.and_then(|p| p.tight);
    for (i, block) in blocks.iter().enumerate() {
        let line = plan
            .into_iter()
            .flat_map(|p| p.earlier.iter())
            .chain(tight.iter())
            .find(|t| t.holds(i))
            .map(|t| tight_line(t.factor));
        let closer = plan.and_then(|p| p.closer.get(i).copied().flatten());
        let on_pitch = |p: Paragraph| {
            let p = closer_text(p, closer);
            match line {
                Some(line) => p.line_spacing(exact(line)).snap_to_grid(false),
                None => p,
            }
        };
        match block {
            Block::Heading(h) => {
                // A heading stays with what follows it, unless it is a
                // whole sentence, which flows as text (as in the PDF).
                let mut p = Paragraph::new()
                    .style(styles::heading(h.level))
                    .keep_next(!h.is_sentence());
                p = p.add_run(text(&h.number));
                for r in runs(&h.runs, Some(heading_role(h.level)), faces)
                    .into_iter()
                    .flatten()
                {
                    p = p.add_run(r);
                }
                parts.push(Part::par(on_pitch(p)));
            }
            Block::Paragraph { lead, runs: body } => {
                let long_latin = body.iter().any(|r| {
                    r.text
                        .split(|c: char| !c.is_ascii_graphic())
                        .any(|t| t.len() >= LONG_LATIN)
                });
                let mut p = Paragraph::new().style(if long_latin {
                    styles::BODY_LONG_LATIN
                } else {
                    styles::BODY
                });
                if let Some(Heading {
                    level,
                    number,
                    runs: head,
                    ..
                }) = lead
                {
                    let role = heading_role(*level);
                    p = p.add_run(text(number).fonts(fonts(role)));
                    for r in runs(head, Some(role), faces).into_iter().flatten() {
                        p = p.add_run(r);
                    }
                }
                for r in runs(body, None, faces).into_iter().flatten() {
                    p = p.add_run(r);
                }
                parts.push(Part::par(on_pitch(p)));
            }
            Block::Table(t) => {
                let pitch = line.unwrap_or(PITCH);
                parts.push(Part::Table(Box::new(table(t, landscape, pitch, faces))));
                // Word needs a paragraph between a table and what follows;
                // it takes the room to the next grid line, so the text after
                // the table is back on the grid: from where the table ends
                // on notice's page (rows are as tall as the PDF's, and a
                // table split over pages ends where the PDF's does), or
                // else from its rows. Off the grid, it takes none.
                let end = table_ends.next().flatten();
                let rest = if line.is_some() {
                    20
                } else if let Some(end) = end {
                    let pitch_mm = GEOMETRY.pitch();
                    let rest = ((end / pitch_mm - 0.01).ceil() * pitch_mm - end).max(0.0);
                    tw(rest).max(20)
                } else {
                    let height = table_height(t, landscape, pitch);
                    let rest = (PITCH - height.rem_euclid(PITCH)).rem_euclid(PITCH);
                    if rest < 40 { rest + PITCH } else { rest }
                };
                parts.push(Part::par(
                    Paragraph::new()
                        .style(styles::AFTER_TABLE)
                        .line_spacing(exact(rest)),
                ));
            }
        }
    }
}

/// A paragraph's runs set `closer` (character spacing in twips), where
/// notice's pages ask for it ([`flow`]).
pub fn closer_text(mut p: Paragraph, closer: Option<i32>) -> Paragraph {
    if let Some(spacing) = closer {
        for child in &mut p.children {
            if let docx_rs::ParagraphChild::Run(run) = child {
                let property = std::mem::take(&mut run.run_property);
                run.run_property = property.character_spacing(spacing);
            }
        }
    }
    p
}

/// A line of `factor` times the grid's pitch, in twips, rounded down so
/// that the lines of a page add up to no more than notice set.
fn tight_line(factor: f64) -> i32 {
    (f64::from(PITCH) * factor).floor() as i32
}

/// Sets the paragraphs on the grid's pitch at `factor` times it, off the
/// grid (Word and LibreOffice would snap them back to it).
pub fn tighten(parts: &mut [Part], factor: f64) {
    let line = tight_line(factor);
    for part in parts {
        let on_grid = matches!(part, Part::Paragraph(p)
            if p.property.line_spacing.as_ref().is_none_or(|s| *s == exact(PITCH)));
        if on_grid {
            part.edit(|p| p.line_spacing(exact(line)).snap_to_grid(false));
        }
    }
}

/// A Latin string this long (half a line) or longer is broken anywhere.
const LONG_LATIN: usize = 28;
