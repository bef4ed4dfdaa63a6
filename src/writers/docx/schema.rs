//! Children in the order the schema fixes (ECMA-376 Part 1, `wml.xsd`).
//!
//! docx-rs writes some children out of order (`w:rPr` first in `w:pPr`,
//! `w:sz` before `w:rFonts`, `w:name` after `w:rPr` in a style) and an
//! empty `w:rPr` in style paragraph properties, where the schema has none.
//! LibreOffice reads such files anyway; Word may drop a property that
//! comes out of order (a font, a colour) or repair the file on opening.
//! So every XML part is put in schema order before it is packed:
//! children are sorted by their place in their parent's sequence, the
//! bytes of every element are otherwise kept as written.

use roxmltree::{Document, Node, ParsingOptions};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Paragraph properties (`CT_PPr`; `CT_PPrGeneral` in styles is the same
/// without `rPr` and `sectPr`).
const PPR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];

/// Run properties (`EG_RPrBase` in Word's order, the paragraph mark's
/// revision marks first and `rPrChange` last).
const RPR: &[&str] = &[
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
];

const STYLE: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];

/// Section properties: header and footer references (in any order among
/// themselves) first.
const SECTPR: &[&str] = &[
    "headerReference footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
];

const TBLPR: &[&str] = &[
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
];

const TRPR: &[&str] = &[
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
];

const TCPR: &[&str] = &[
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
    "headers",
    "cellIns cellDel cellMerge",
    "tcPrChange",
];

/// Table, cell and table-margin borders.
const BORDERS: &[&str] = &[
    "top",
    "start left",
    "bottom",
    "end right",
    "insideH",
    "insideV",
    "tl2br",
    "tr2bl",
];

/// Document settings (`CT_Settings`).
const SETTINGS: &[&str] = &[
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
];

const PBDR: &[&str] = &["top", "left", "bottom", "right", "between", "bar"];

/// The sequence a `w:` element's children follow, if it has one that
/// notice's files can break.
fn sequence(parent: Node) -> Option<&'static [&'static str]> {
    Some(match parent.tag_name().name() {
        "pPr" => PPR,
        "rPr" => RPR,
        "style" => STYLE,
        "sectPr" => SECTPR,
        "tblPr" => TBLPR,
        "trPr" => TRPR,
        "tcPr" => TCPR,
        "tblBorders" | "tcBorders" | "tblCellMar" | "tcMar" => BORDERS,
        "pBdr" => PBDR,
        "tbl" => &["tblPr", "tblGrid", "tr"],
        "tr" => &["tblPrEx", "trPr", "tc"],
        "docDefaults" => &["rPrDefault", "pPrDefault"],
        "styles" => &["docDefaults", "latentStyles", "style"],
        "settings" => SETTINGS,
        // Properties come first; what follows keeps its order.
        "p" => &["pPr"],
        "r" => &["rPr"],
        _ => return None,
    })
}

/// The place of `child` in `order` (names sharing a place are listed
/// together); children the sequence does not name go last, in order.
fn place(order: &[&str], child: &str) -> usize {
    order
        .iter()
        .position(|names| names.split(' ').any(|n| n == child))
        .unwrap_or(order.len())
}

/// Style paragraph properties (`CT_PPrGeneral`) have no run properties,
/// and an empty `w:rPr` says nothing anywhere.
fn dropped(node: Node) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(W)
        && node.tag_name().name() == "rPr"
        && (!node.has_children()
            || node
                .parent_element()
                .and_then(|p| p.parent_element())
                .is_some_and(|g| matches!(g.tag_name().name(), "style" | "pPrDefault")))
}

/// An XML part with every `w:` element's children in schema order.
pub fn canonical(xml: &str) -> Result<String, roxmltree::Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options)?;
    let root = doc.root_element();
    let mut out = String::with_capacity(xml.len());
    out.push_str(&xml[..root.range().start]);
    write(xml, root, &mut out);
    out.push_str(&xml[root.range().end..]);
    Ok(out)
}

fn write(src: &str, node: Node, out: &mut String) {
    let children: Vec<Node> = node.children().collect();
    let (Some(first), Some(last)) = (children.first(), children.last()) else {
        out.push_str(&src[node.range()]);
        return;
    };
    // The start tag, the children, the end tag, as written.
    out.push_str(&src[node.range().start..first.range().start]);
    let mut kept: Vec<Node> = children.iter().copied().filter(|c| !dropped(*c)).collect();
    let in_w = node.tag_name().namespace() == Some(W);
    if in_w
        && kept.iter().all(Node::is_element)
        && let Some(order) = sequence(node)
    {
        kept.sort_by_key(|c| place(order, c.tag_name().name()));
    }
    for child in kept {
        if child.is_element() {
            write(src, child, out);
        } else {
            out.push_str(&src[child.range()]);
        }
    }
    out.push_str(&src[last.range().end..node.range().end]);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    #[test]
    fn properties_are_put_in_schema_order() {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document {NS}><w:body><w:p><w:pPr><w:rPr /><w:pStyle w:val="A" /><w:jc w:val="both" /><w:spacing w:line="579" /><w:keepNext /></w:pPr><w:r><w:rPr><w:sz w:val="32" /><w:rFonts w:eastAsia="仿宋_GB2312" /></w:rPr><w:t xml:space="preserve">正文 &amp; </w:t></w:r></w:p></w:body></w:document>"#
        );
        let out = canonical(&xml).unwrap();
        assert!(
            out.contains(r#"<w:pPr><w:pStyle w:val="A" /><w:keepNext /><w:spacing w:line="579" /><w:jc w:val="both" /></w:pPr>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<w:rPr><w:rFonts w:eastAsia="仿宋_GB2312" /><w:sz w:val="32" /></w:rPr><w:t xml:space="preserve">正文 &amp; </w:t>"#),
            "{out}"
        );
        assert!(out.starts_with(r#"<?xml version="1.0"?><w:document "#));
    }

    #[test]
    fn style_paragraph_properties_lose_their_run_properties() {
        let xml = format!(
            r#"<w:styles {NS}><w:style w:type="paragraph" w:styleId="A"><w:rPr><w:sz w:val="32" /></w:rPr><w:pPr><w:rPr><w:b /></w:rPr><w:jc w:val="center" /></w:pPr><w:basedOn w:val="Normal" /><w:name w:val="正文" /></w:style></w:styles>"#
        );
        let out = canonical(&xml).unwrap();
        assert!(
            out.contains(r#"<w:name w:val="正文" /><w:basedOn w:val="Normal" /><w:pPr><w:jc w:val="center" /></w:pPr><w:rPr><w:sz w:val="32" /></w:rPr>"#),
            "{out}"
        );
    }
}
