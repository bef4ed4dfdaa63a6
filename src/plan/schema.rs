//! A JSON Schema of the plan, for editors (taplo, VS Code Even Better TOML)
//! to complete and check `plan.toml` and front matter.

use serde_json::{Value, json};

use crate::gbt9704::{DocumentFormat, SECRECY_LEVELS, URGENCY_LEVELS};

fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn text_or_list(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } }
        ]
    })
}

fn date(description: &str) -> Value {
    json!({
        "description": description,
        "type": "string",
        "pattern": "^[0-9]{4}(-[0-9]{2}-[0-9]{2}|年[0-9]{1,2}月[0-9]{1,2}日)$"
    })
}

/// The schema (JSON Schema draft 07).
pub fn plan_schema() -> Value {
    let attachment = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "title": text("附件标题"),
            "body": text("附件正文, Markdown (tables allowed)"),
            "body_file": text("a Markdown file with the attachment's body, relative to the plan"),
            "csv": text("a CSV file whose first row is the table header, relative to the plan"),
            "landscape": { "type": "boolean", "description": "横排: content turned on portrait pages", "default": false },
            "label": text("label on the attachment's first page; default 附件 / 附件1, 附件2 …; \"\" prints none"),
            "listed": { "type": "boolean", "description": "listed in the 附件说明", "default": true }
        }
    });
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://example.invalid/notice/plan.schema.json",
        "title": "notice plan",
        "description": "A plan for `notice build`: the elements of a GB/T 9704-2012 公文.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "format": {
                "description": "公文格式",
                "enum": DocumentFormat::names().collect::<Vec<_>>(),
                "default": "file"
            },
            "issuer": text_or_list("发文机关; several for 联合行文, the 主办机关 first"),
            "mark": text("发文机关标志; default: issuer + 文件"),
            "number": text("发文字号, e.g. 常天应急〔2020〕11号"),
            "copy_number": text("份号, usually 6 digits"),
            "secrecy": { "description": "密级", "enum": SECRECY_LEVELS },
            "secrecy_period": text("保密期限, e.g. 1年"),
            "urgency": { "description": "紧急程度", "enum": URGENCY_LEVELS },
            "signers": { "type": "array", "items": { "type": "string" }, "description": "签发人 (上行文 layout)" },
            "title": text("标题; a line break in it is kept"),
            "title_words": text_or_list("words titles must not break inside, beside the built-in 公文 terms"),
            "to": text_or_list("主送机关"),
            "body": text("正文, Markdown"),
            "body_file": text("a Markdown file with the 正文, relative to the plan"),
            "signature": text_or_list("发文机关署名; default: issuer"),
            "date": date("成文日期"),
            "seal": text_or_list("印章 image (PNG or SVG), relative to the plan; for 联合行文 an array, one seal per issuer in the 署名"),
            "note": text("附注, printed in parentheses"),
            "cc": text_or_list("抄送机关"),
            "printed_by": text("印发机关"),
            "printed_on": date("印发日期; default: date"),
            "vars": { "type": "object", "description": "values of {{ name }} placeholders" },
            "attachments": { "type": "array", "items": attachment, "description": "附件" },
            "attendees": text_or_list("纪要: 出席"),
            "absentees": text_or_list("纪要: 请假"),
            "observers": text_or_list("纪要: 列席"),
            "duplex": { "type": "boolean", "description": "printed on both sides: the 版记 goes on an even page", "default": false }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_every_key() {
        let schema = plan_schema();
        let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        let mut expected: Vec<&str> = crate::plan::plan_keys().to_vec();
        expected.sort();
        let mut got: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        got.sort();
        assert_eq!(got, expected);
        let attachment: Vec<&String> = schema["properties"]["attachments"]["items"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let mut attachment: Vec<&str> = attachment.iter().map(|k| k.as_str()).collect();
        attachment.sort();
        let mut expected = crate::plan::attachment_keys().to_vec();
        expected.sort();
        assert_eq!(attachment, expected);
    }
}
